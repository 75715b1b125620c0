// Chatbot-Arena-style battle logs: model_a, model_b, winner.
#include <fmt/format.h>

#include <algorithm>

#include "nlhf/error.h"
#include "nlhf/ranking/readers.h"
#include "ranking/candidate_index.h"
#include "ranking/csv.h"

namespace nlhf {
namespace {

std::string Lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int FindColumn(const internal::CsvRow& header, const std::string& name, const std::string& path, bool required) {
  for (size_t k = 0; k < header.fields.size(); ++k) {
    if (Lowercase(header.fields[k]) == Lowercase(name)) return static_cast<int>(k);
  }
  if (required) {
    throw ParseError(fmt::format("{}:{}: the header has no '{}' column (found: {}); battle logs need model_a, "
                                 "model_b and winner", path, header.line, name, fmt::join(header.fields, ", ")));
  }
  return -1;
}

}  // namespace

ComparisonData ParseBattles(std::string_view text, const std::string& path, const ComparisonReadOptions& options) {
  const std::vector<internal::CsvRow> rows = internal::ReadCsv(text, path);
  if (rows.empty()) throw ParseError(fmt::format("{}: no header and no battles", path));
  const internal::CsvRow& header = rows[0];
  const int column_a = FindColumn(header, "model_a", path, true);
  const int column_b = FindColumn(header, "model_b", path, true);
  const int column_winner = FindColumn(header, "winner", path, true);
  const int column_context = options.context_column.empty() ? -1 : FindColumn(header, options.context_column, path, true);
  const int column_weight = options.weight_column.empty() ? -1 : FindColumn(header, options.weight_column, path, true);

  ComparisonData data;
  data.source = path;
  data.format = "battles";
  internal::CandidateIndex candidates;
  for (size_t r = 1; r < rows.size(); ++r) {
    const internal::CsvRow& row = rows[r];
    if (row.fields.size() != header.fields.size()) {
      throw ParseError(fmt::format("{}:{}: {} fields, but the header has {}", path, row.line, row.fields.size(),
                                   header.fields.size()));
    }
    const std::string& a = row.fields[column_a];
    const std::string& b = row.fields[column_b];
    if (a.empty() || b.empty()) throw ParseError(fmt::format("{}:{}: empty model name", path, row.line));
    if (a == b) throw ParseError(fmt::format("{}:{}: '{}' battles itself: model_a and model_b must differ", path, row.line, a));
    const std::string winner = Lowercase(row.fields[column_winner]);
    double score_a = 0;
    if (winner == "model_a") {
      score_a = 1;
    } else if (winner == "model_b") {
      score_a = 0;
    } else if (winner == "tie" || winner == "tie (bothbad)") {
      score_a = 0.5;
    } else {
      throw ParseError(fmt::format("{}:{}: winner '{}' is not one of model_a, model_b, tie, tie (bothbad)", path,
                                   row.line, row.fields[column_winner]));
    }
    double weight = 1;
    if (column_weight >= 0) {
      const std::string& w = row.fields[column_weight];
      size_t used = 0;
      bool ok = false;
      try {
        weight = std::stod(w, &used);
        ok = used == w.size() && std::isfinite(weight) && weight >= 0;
      } catch (const std::exception&) {
        ok = false;
      }
      if (!ok) {
        throw ParseError(fmt::format("{}:{}: weight '{}' in column '{}' is not a finite number >= 0", path, row.line,
                                     w, options.weight_column));
      }
    }
    ComparisonUnit unit;
    unit.outcomes.push_back({candidates.IndexOf(a), candidates.IndexOf(b), score_a, weight});
    if (column_context >= 0) unit.context = row.fields[column_context];
    data.units.push_back(std::move(unit));
  }
  if (data.units.empty()) throw ParseError(fmt::format("{}: the header is there but no battles follow", path));
  data.candidates = candidates.names();
  data.notes.push_back("ties (tie, tie (bothbad)) count half a win to each side");
  return data;
}

}  // namespace nlhf
