// Judgment tables in long format: one score per (model, item), as LLM-as-a-judge pipelines write them
// (MT-bench's single-answer grading: question_id, model, score, turn). Each item ranks the models that
// have a score on it, as one row of a score table would: pivoting the table is the reader's job.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <limits>
#include <optional>

#include "nlhf/error.h"
#include "nlhf/ranking/readers.h"
#include "ranking/candidate_index.h"
#include "ranking/csv.h"
#include "ranking/json_records.h"
#include "ranking/judgments.h"

namespace nlhf {
namespace {

bool IsMissing(std::string_view field) {
  return field.empty() || field == "NA" || field == "na" || field == "n/a" || field == "N/A" || field == "nan" ||
         field == "NaN" || field == "null" || field == "None";
}

// Column names that identify an item when --item is not given, in order of preference.
const std::vector<std::string> kItemColumns = {"question_id", "item",        "item_id", "prompt_id", "instance_id",
                                               "example_id",  "task",        "task_id", "prompt",    "question",
                                               "instruction", "id"};

using internal::FindColumn;

struct JudgmentRoles {
  std::string model, score, cluster;  // cluster may be empty
  std::vector<std::string> item;
};

JudgmentRoles ResolveRoles(const std::vector<std::string>& names, const ComparisonReadOptions& options,
                           const std::string& where, const char* noun) {
  const std::string found_names = Excerpt(fmt::format("{}", fmt::join(names, ", ")), 200);
  const auto require = [&](const std::string& wanted, const char* flag) {
    std::string found = FindColumn(names, wanted);
    if (found.empty()) {
      throw ParseError(fmt::format("{}: no '{}' {} (found: {}); name it with {} NAME", where, Excerpt(wanted), noun,
                                   found_names, flag));
    }
    return found;
  };
  JudgmentRoles roles;
  roles.model = require(options.model_column, "--model-column");
  roles.score = require(options.score_column, "--score-column");
  if (!options.cluster_column.empty()) roles.cluster = require(options.cluster_column, "--cluster");
  if (!options.item_columns.empty()) {
    for (const std::string& item : options.item_columns) roles.item.push_back(require(item, "--item-column"));
    return roles;
  }
  for (const std::string& candidate : kItemColumns) {
    if (std::string found = FindColumn(names, candidate); !found.empty()) {
      roles.item.push_back(found);
      break;
    }
  }
  if (roles.item.empty()) {
    throw ParseError(fmt::format("{}: no {} naming the item judged (looked for {}; found: {}); name it with "
                                 "--item-column NAME[,NAME...]", where, noun, fmt::join(kItemColumns, ", "),
                                 found_names));
  }
  // MT-bench judges each turn of a question apart: (question_id, turn) is the item.
  if (std::string turn = FindColumn(names, "turn"); !turn.empty()) roles.item.push_back(turn);
  return roles;
}

// The scores gathered so far: per item (in order of first appearance), per model, their sum and count.
class JudgmentTable {
 public:
  void Add(const std::string& where, const std::string& model, const std::string& item, const std::string& score,
           const std::string& cluster) {
    if (model.empty()) throw ParseError(fmt::format("{}: empty model name", where));
    if (IsMissing(score)) {
      ++missing_;
      return;
    }
    double value = 0;
    if (!internal::ParseLooseNumber(score, value)) {
      throw ParseError(fmt::format("{}: score '{}' is not a number", where, Excerpt(score)));
    }
    const auto [it, inserted] = item_index_.try_emplace(item, items_.size());
    if (inserted) {
      items_.emplace_back();
      item_names_.push_back(item);
      clusters_.push_back(cluster);  // an item's cluster: that of its first judgment
    }
    Cell& cell = items_[it->second][models_.IndexOf(model)];
    if (cell.count == 1 && duplicates_ == 0) first_duplicate_ = fmt::format("'{}' on item '{}' ({})", model, item, where);
    if (cell.count == 1) ++duplicates_;
    cell.sum += value;
    ++cell.count;
  }

  ComparisonData Finish(const std::string& path, const JudgmentRoles& roles) const {
    if (items_.empty()) throw ParseError(fmt::format("{}: no judgments", path));
    ComparisonData data;
    data.source = path;
    data.format = "judgments";
    data.candidates = models_.names();
    long long outcomes = 0, single = 0;
    for (const auto& item : items_) {
      const long long k = static_cast<long long>(item.size());
      outcomes += k * (k - 1) / 2;
      single += k < 2 ? 1 : 0;
    }
    if (outcomes > kMaxPairwiseOutcomes) {
      throw ParseError(fmt::format("{}: the judgments stand for {} pairwise comparisons; nlhf holds at most {}", path,
                                   outcomes, kMaxPairwiseOutcomes));
    }
    data.scores.emplace();
    data.scores->tasks = item_names_;
    data.scores->scores = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(items_.size()),
                                                    static_cast<Eigen::Index>(data.candidates.size()),
                                                    std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 0; i < items_.size(); ++i) {
      const auto& item = items_[i];
      for (const auto& [model, cell] : item) data.scores->scores(static_cast<Eigen::Index>(i), model) = cell.Mean();
      ComparisonUnit unit;
      unit.cluster = clusters_[i];
      for (auto a = item.begin(); a != item.end(); ++a) {
        for (auto b = std::next(a); b != item.end(); ++b) {
          const double x = a->second.Mean(), y = b->second.Mean();
          unit.outcomes.push_back({a->first, b->first, x > y ? 1.0 : (x < y ? 0.0 : 0.5), 1.0});
        }
      }
      data.units.push_back(std::move(unit));
    }
    data.notes.push_back(fmt::format("judgments: each of the {} items ({}) ranks the models scored on it by '{}' "
                                     "(higher is better, equal scores tie)", items_.size(),
                                     fmt::join(roles.item, ", "), roles.score));
    if (duplicates_ > 0) {
      data.notes.push_back(fmt::format("{} (model, item) pair(s) scored more than once were averaged, the first {}",
                                       duplicates_, first_duplicate_));
    }
    if (missing_ > 0) data.notes.push_back(fmt::format("{} judgment(s) without a score were skipped", missing_));
    if (single > 0) data.notes.push_back(fmt::format("{} item(s) with one model scored compare nothing", single));
    return data;
  }

 private:
  struct Cell {
    double sum = 0;
    int count = 0;
    double Mean() const { return sum / count; }
  };
  internal::CandidateIndex models_;
  std::map<std::string, size_t> item_index_;
  std::vector<std::map<int, Cell>> items_;
  std::vector<std::string> item_names_, clusters_;
  long long missing_ = 0, duplicates_ = 0;
  std::string first_duplicate_;
};

// An item key from several fields, unambiguous whatever the fields hold.
std::string ItemKey(const std::vector<std::string>& parts) {
  if (parts.size() == 1) return parts[0];
  std::string key;
  for (size_t k = 0; k < parts.size(); ++k) key += (k > 0 ? ", " : "") + parts[k];
  return key;
}

}  // namespace

bool internal::LooksLikeJudgments(const std::vector<std::string>& names, const ComparisonReadOptions& options) {
  if (!FindColumn(names, options.model_a_column).empty()) return false;
  if (FindColumn(names, options.model_column).empty() || FindColumn(names, options.score_column).empty()) return false;
  return std::any_of(kItemColumns.begin(), kItemColumns.end(), [&](const auto& c) { return !FindColumn(names, c).empty(); });
}

ComparisonData ParseJudgments(std::string_view text, const std::string& path, const ComparisonReadOptions& options) {
  JudgmentTable table;
  std::optional<JudgmentRoles> roles;
  if (internal::LooksLikeJsonRecords(text)) {
    internal::ForEachJsonRecord(text, path, [&](const nlohmann::json& record, const std::string& where) {
      if (!record.is_object()) throw ParseError(fmt::format("{}: a judgment record must be a JSON object", where));
      if (!roles) roles = ResolveRoles(internal::KeysOf(record), options, where, "field");
      const auto get = [&](const std::string& key) -> std::string {
        const auto found = record.find(key);
        if (found == record.end()) throw ParseError(fmt::format("{}: the record has no '{}' field", where, Excerpt(key)));
        if (found->is_null()) return "";
        std::optional<std::string> value = internal::ScalarText(*found);
        if (!value) throw ParseError(fmt::format("{}: field '{}' is not a single value", where, Excerpt(key)));
        return *value;
      };
      std::vector<std::string> item;
      for (const std::string& column : roles->item) item.push_back(get(column));
      table.Add(where, get(roles->model), ItemKey(item), get(roles->score),
                roles->cluster.empty() ? "" : get(roles->cluster));
    });
  } else {
    const char delimiter = text.substr(0, text.find('\n')).find('\t') != std::string_view::npos ? '\t' : ',';
    const std::vector<internal::CsvRow> rows = internal::ReadCsv(text, path, delimiter);
    if (rows.empty()) throw ParseError(fmt::format("{}: no header and no judgments", path));
    const std::vector<std::string>& header = rows[0].fields;
    roles = ResolveRoles(header, options, fmt::format("{}:{}: the header", path, rows[0].line), "column");
    const auto column = [&](const std::string& name) {
      return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    const size_t model = column(roles->model), score = column(roles->score);
    const size_t cluster = roles->cluster.empty() ? header.size() : column(roles->cluster);
    std::vector<size_t> item_columns;
    for (const std::string& name : roles->item) item_columns.push_back(column(name));
    for (size_t r = 1; r < rows.size(); ++r) {
      const internal::CsvRow& row = rows[r];
      const std::string where = fmt::format("{}:{}", path, row.line);
      if (row.fields.size() != header.size()) {
        throw ParseError(fmt::format("{}: {} fields, but the header has {}", where, row.fields.size(), header.size()));
      }
      std::vector<std::string> item;
      for (size_t c : item_columns) item.push_back(row.fields[c]);
      table.Add(where, row.fields[model], ItemKey(item), row.fields[score],
                cluster < header.size() ? row.fields[cluster] : "");
    }
  }
  if (!roles) throw ParseError(fmt::format("{}: no judgments", path));
  return table.Finish(path, *roles);
}

}  // namespace nlhf
