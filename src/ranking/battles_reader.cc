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
    if (model_a[r].empty() || model_b[r].empty() || model_a[r] == model_b[r]) {
      throw InvalidArgument(fmt::format("{}: row {}: model_a '{}' and model_b '{}' must be two different names",
                                        source, r, model_a[r], model_b[r]));
    }
    const std::optional<double> score = ScoreOfWinner(winner[r]);
    if (!score) {
      throw InvalidArgument(fmt::format("{}: row {}: winner '{}' is not one of model_a, model_b, tie, tie (bothbad)",
                                        source, r, winner[r]));
    }
    const double weight = weights ? (*weights)[r] : 1.0;
    if (!std::isfinite(weight) || weight < 0) {
      throw InvalidArgument(fmt::format("{}: row {}: weight {} is not a finite number >= 0", source, r, weight));
    }
    ComparisonUnit unit;
    unit.outcomes.push_back({candidates.IndexOf(model_a[r]), candidates.IndexOf(model_b[r]), *score, weight});
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
    const std::string& a = row.fields[column_a];
    const std::string& b = row.fields[column_b];
    if (a.empty() || b.empty()) throw ParseError(fmt::format("{}:{}: empty model name", path, row.line));
    if (a == b) throw ParseError(fmt::format("{}:{}: '{}' battles itself: model_a and model_b must differ", path, row.line, a));
    const std::optional<double> score_a = ScoreOfWinner(row.fields[column_winner]);
    if (!score_a) {
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
    unit.outcomes.push_back({candidates.IndexOf(a), candidates.IndexOf(b), *score_a, weight});
    if (column_context >= 0) unit.context = row.fields[column_context];
    data.units.push_back(std::move(unit));
  }
  if (data.units.empty()) throw ParseError(fmt::format("{}: the header is there but no battles follow", path));
  data.candidates = candidates.names();
  data.notes.push_back(kTieNote);
  return data;
}

}  // namespace nlhf
