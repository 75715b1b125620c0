// Chatbot-Arena-style battle logs: model_a, model_b, winner.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

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

// a's result for a winner value; nullopt for anything but model_a, model_b, tie, tie (bothbad).
std::optional<double> ScoreOfWinner(const std::string& winner) {
  const std::string value = Lowercase(winner);
  if (value == "model_a") return 1.0;
  if (value == "model_b") return 0.0;
  if (value == "tie" || value == "tie (bothbad)") return 0.5;
  return std::nullopt;
}

constexpr const char* kTieNote = "ties (tie, tie (bothbad)) count half a win to each side";

// One battle, checked: two different non-empty names, a known winner value, a finite weight >= 0.
// `where` starts every message ("b.csv:7" or "<data frame>: row 6").
ComparisonUnit Battle(const std::string& where, const std::string& a, const std::string& b, const std::string& winner,
                      double weight, internal::CandidateIndex& candidates) {
  if (a.empty() || b.empty()) throw ParseError(fmt::format("{}: empty model name", where));
  if (a == b) throw ParseError(fmt::format("{}: '{}' battles itself: model_a and model_b must differ", where, a));
  const std::optional<double> score_a = ScoreOfWinner(winner);
  if (!score_a) {
    throw ParseError(fmt::format("{}: winner '{}' is not one of model_a, model_b, tie, tie (bothbad)", where, Excerpt(winner)));
  }
  if (!std::isfinite(weight) || weight < 0) {
    throw ParseError(fmt::format("{}: weight '{:g}' is not a finite number >= 0", where, weight));
  }
  ComparisonUnit unit;
  unit.outcomes.push_back({candidates.IndexOf(a), candidates.IndexOf(b), *score_a, weight});
  return unit;
}

}  // namespace

ComparisonData BattlesFromColumns(const std::vector<std::string>& model_a, const std::vector<std::string>& model_b,
                                  const std::vector<std::string>& winner, const std::vector<std::string>* contexts,
                                  const std::vector<double>* weights, const std::string& source) {
  const size_t rows = model_a.size();
  if (model_b.size() != rows || winner.size() != rows || (contexts && contexts->size() != rows) ||
      (weights && weights->size() != rows)) {
    throw InvalidArgument(fmt::format("{}: columns of different lengths ({} model_a, {} model_b, {} winner)", source,
                                      rows, model_b.size(), winner.size()));
  }
  if (rows == 0) throw InvalidArgument(fmt::format("{}: no battles", source));
  ComparisonData data;
  data.source = source;
  data.format = "battles";
  internal::CandidateIndex candidates;
  for (size_t r = 0; r < rows; ++r) {
    ComparisonUnit unit = Battle(fmt::format("{}: row {}", source, r), model_a[r], model_b[r], winner[r],
                                 weights ? (*weights)[r] : 1.0, candidates);
    if (contexts) unit.context = (*contexts)[r];
    data.units.push_back(std::move(unit));
  }
  data.candidates = candidates.names();
  data.notes.push_back(kTieNote);
  return data;
}

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
    const std::string where = fmt::format("{}:{}", path, row.line);
    double weight = 1;
    if (column_weight >= 0) {
      const std::string& w = row.fields[column_weight];
      size_t used = 0;
      bool ok = false;
      try {
        weight = std::stod(w, &used);
        ok = used == w.size();
      } catch (const std::exception&) {
        ok = false;
      }
      if (!ok) {
        throw ParseError(fmt::format("{}: weight '{}' in column '{}' is not a number", where, Excerpt(w), options.weight_column));
      }
    }
    ComparisonUnit unit = Battle(where, row.fields[column_a], row.fields[column_b], row.fields[column_winner], weight,
                                 candidates);
    if (column_context >= 0) unit.context = row.fields[column_context];
    data.units.push_back(std::move(unit));
  }
  if (data.units.empty()) throw ParseError(fmt::format("{}: the header is there but no battles follow", path));
  data.candidates = candidates.names();
  data.notes.push_back(kTieNote);
  return data;
}

}  // namespace nlhf
