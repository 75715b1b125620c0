// Score tables: rows are tasks or voters, columns candidates, higher is better.
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <limits>
#include <optional>

#include "nlhf/error.h"
#include "nlhf/ranking/readers.h"

#include "ranking/csv.h"

namespace nlhf {
namespace {

bool IsMissing(const std::string& field) {
  return field.empty() || field == "-" || field == "NA" || field == "na" || field == "n/a" || field == "N/A" ||
         field == "nan" || field == "NaN";
}

// Whether every field from `from` on is a number or missing: a data row, not a header naming candidates.
bool AllNumbers(const std::vector<std::string>& fields, size_t from) {
  double value = 0;
  for (size_t k = from; k < fields.size(); ++k) {
    if (!IsMissing(fields[k]) && !internal::ParseLooseNumber(fields[k], value)) return false;
  }
  return from < fields.size();
}

// The table with rows and columns swapped (rows shorter than the longest padded with missing cells); a
// transposed row's `line` is the original column's number.
std::vector<internal::CsvRow> Transposed(const std::vector<internal::CsvRow>& rows) {
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.fields.size());
  std::vector<internal::CsvRow> out(width);
  for (size_t c = 0; c < width; ++c) {
    out[c].line = static_cast<int>(c) + 1;
    for (const auto& row : rows) out[c].fields.push_back(c < row.fields.size() ? row.fields[c] : "");
  }
  return out;
}

}  // namespace

ComparisonData ParseScoreTable(std::string_view text, const std::string& path) { return ParseScoreTable(text, path, {}); }

ComparisonData ParseScoreTable(std::string_view text, const std::string& path, const ComparisonReadOptions& options) {
  // The delimiter is whatever the header uses: tabs, else commas, else spaces (so thousands separators
  // like 1,234.5 need a tab- or space-separated table, or quotes).
  // The last comment line above the first row is kept: tables exported with their header commented out
  // ("# game human random ...") name the candidates there.
  std::string_view first_line = text, last_comment;
  int last_comment_line = 0;
  {
    size_t start = 0;
    int line_number = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      ++line_number;
      const size_t content = line.find_first_not_of(" \t\r");
      if (content != std::string_view::npos && line[content] != '#') {
        first_line = line;
        break;
      }
      if (content != std::string_view::npos) {
        last_comment = line.substr(content + 1);
        last_comment_line = line_number;
      }
      start = end + 1;
    }
  }
  const char delimiter = first_line.find('\t') != std::string_view::npos ? '\t'
                         : first_line.find(',') != std::string_view::npos ? ','
                                                                          : ' ';
  const auto read = [&](std::string_view part) {
    return delimiter == ' ' ? internal::ReadWhitespaceTable(part) : internal::ReadCsv(part, path, delimiter);
  };
  std::vector<internal::CsvRow> rows = read(text);
  if (rows.size() < 2) throw ParseError(fmt::format("{}: a score table needs a header row and at least one row", path));
  // A first row of numbers (beyond a row label) is data, not names: the names come from the last comment
  // line when it has as many fields, and otherwise the table is refused rather than named by its numbers.
  double label_probe = 0;
  const bool first_field_is_label = !rows[0].fields.empty() &&
                                    !internal::ParseLooseNumber(rows[0].fields[0], label_probe) &&
                                    !IsMissing(rows[0].fields[0]);
  std::optional<std::string> header_note;
  if (AllNumbers(rows[0].fields, first_field_is_label ? 1 : 0)) {
    std::vector<internal::CsvRow> comment = last_comment.empty() ? std::vector<internal::CsvRow>{} : read(last_comment);
    if (comment.size() != 1 || comment[0].fields.size() != rows[0].fields.size()) {
      throw ParseError(fmt::format("{}:{}: the first row ('{}') holds numbers, not candidate names: a score table's "
                                   "first row names the candidates (a commented-out header is used only when it has "
                                   "the rows' {} fields)", path, rows[0].line,
                                   Excerpt(fmt::format("{}", fmt::join(rows[0].fields, " "))), rows[0].fields.size()));
    }
    comment[0].line = last_comment_line;
    rows.insert(rows.begin(), std::move(comment[0]));
    header_note = fmt::format("the first row holds numbers: the candidates' names were read from the comment on line {}",
                              last_comment_line);
  }
  // Models as rows (--transpose): swap before reading; positions are then the original columns.
  if (options.transpose) rows = Transposed(rows);
  const auto where = [&](const internal::CsvRow& row) {
    return options.transpose ? fmt::format("{}: column {}", path, row.line) : fmt::format("{}:{}", path, row.line);
  };
  std::vector<std::string> header = rows[0].fields;
  size_t width = 0;  // of the longest row: shorter ones are ragged, their missing cells missing values
  for (size_t r = 1; r < rows.size(); ++r) width = std::max(width, rows[r].fields.size());
  // A first column of row labels: either the header names it (same width, non-numeric first fields) or
  // the header is one shorter than the rows.
  double probe = 0;
  bool labelled = width == header.size() + 1;
  if (width == header.size() && !rows[1].fields.empty() && !internal::ParseLooseNumber(rows[1].fields[0], probe) &&
      !IsMissing(rows[1].fields[0])) {
    labelled = true;
    header.erase(header.begin());
  }
  const size_t offset = labelled ? 1 : 0;
  const int n = static_cast<int>(header.size());
  if (n < 2) throw ParseError(fmt::format("{}: the header names {} candidates; a ranking needs two", where(rows[0]), n));
  if (n > kMaxCandidates) {
    throw ParseError(fmt::format("{}: the header names {} candidates; nlhf ranks at most {} (its tables are n × n)",
                                 where(rows[0]), n, kMaxCandidates));
  }

  // Each row ranks every pair of the candidates it scores; a row of k scores is k(k − 1)/2 outcomes.
  long long outcomes = 0;
  for (size_t r = 1; r < rows.size(); ++r) {
    long long scored = 0;
    for (size_t c = offset; c < rows[r].fields.size(); ++c) scored += IsMissing(rows[r].fields[c]) ? 0 : 1;
    outcomes += scored * (scored - 1) / 2;
    if (outcomes > kMaxPairwiseOutcomes) {
      throw ParseError(fmt::format("{}: the table's rows up to here stand for {} pairwise comparisons; nlhf "
                                   "holds at most {}", where(rows[r]), outcomes, kMaxPairwiseOutcomes));
    }
  }
  ComparisonData data;
  data.source = path;
  data.format = "score-table";
  data.candidates = header;
  data.scores.emplace();
  data.scores->scores = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(rows.size() - 1), n,
                                                  std::numeric_limits<double>::quiet_NaN());
  int ragged = 0;
  for (size_t r = 1; r < rows.size(); ++r) {
    internal::CsvRow row = rows[r];
    if (row.fields.size() > static_cast<size_t>(n) + offset) {
      throw ParseError(fmt::format("{}: {} fields, but the header names {} candidates{}", where(row),
                                   row.fields.size(), n, labelled ? " after a row label" : ""));
    }
    if (row.fields.size() < static_cast<size_t>(n) + offset) {  // a ragged row, as pandas reads it: cells missing
      ++ragged;
      row.fields.resize(static_cast<size_t>(n) + offset);
    }
    std::vector<std::optional<double>> values(n);
    for (int c = 0; c < n; ++c) {
      const std::string& field = row.fields[c + offset];
      if (IsMissing(field)) continue;
      double v = 0;
      if (!internal::ParseLooseNumber(field, v)) {
        throw ParseError(fmt::format("{}: {} {} ('{}', candidate '{}') is not a number", where(row),
                                     options.transpose ? "row" : "field", c + offset + 1, Excerpt(field),
                                     Excerpt(header[c])));
      }
      values[c] = v;
      data.scores->scores(static_cast<Eigen::Index>(r - 1), c) = v;
    }
    data.scores->tasks.push_back(labelled && !row.fields[0].empty() ? row.fields[0]
                                 : options.transpose ? fmt::format("column {}", row.line)
                                                     : fmt::format("line {}", row.line));
    ComparisonUnit unit;
    for (int a = 0; a < n; ++a) {
      for (int b = a + 1; b < n; ++b) {
        if (!values[a] || !values[b]) continue;
        unit.outcomes.push_back({a, b, *values[a] > *values[b] ? 1.0 : (*values[a] < *values[b] ? 0.0 : 0.5), 1.0});
      }
    }
    data.units.push_back(std::move(unit));
  }
  data.notes.push_back("each row ranks the candidates it scores (higher is better, equal scores tie); missing "
                       "values leave that candidate out of the row");
  if (header_note) data.notes.push_back(*header_note);
  if (options.transpose) data.notes.push_back("read transposed (--transpose): rows are candidates, columns tasks");
  if (ragged > 0) {
    data.notes.push_back(fmt::format("{} row(s) shorter than the header: their missing cells are missing values",
                                     ragged));
  }
  return data;
}

}  // namespace nlhf
