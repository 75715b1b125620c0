// Battle logs: one comparison of two models per record, from CSV (Chatbot Arena's model_a, model_b,
// winner), JSON Lines (arena-hard-auto's battles), or a JSON array of records (AlpacaEval's
// annotations.json). The columns are mapped by name (BattleColumns); the winner is a side word, a model's
// name, a number on a stated scale, or one-hot columns (winner_model_a, winner_model_b, winner_tie).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "nlhf/error.h"
#include "nlhf/ranking/readers.h"
#include "ranking/candidate_index.h"
#include "ranking/csv.h"
#include "ranking/json_records.h"

namespace nlhf {
namespace {

using internal::Lowercase;

using internal::KeysOf;
using internal::ParseJsonText;
using internal::ScalarText;

// One record's fields, as text, by role: where it came from ("b.csv:7", "b.jsonl:12", "a.json: record 3").
struct BattleFields {
  std::string where;
  std::string a, b, winner, context, cluster, weight;
  bool has_weight = false;
};

// The columns a file's battles are read from, resolved against its field names.
struct ColumnRoles {
  std::string a, b, winner;         // winner empty: one-hot columns
  std::string won_a, won_b, tie;    // one-hot columns (tie may be empty)
  std::string context, cluster, weight;  // may be empty
};

constexpr const char* kOneHotA = "winner_model_a";
constexpr const char* kOneHotB = "winner_model_b";
constexpr const char* kOneHotTie = "winner_tie";

// Resolves the roles against the available field names (matched case-insensitively; the file's own
// spelling is returned). `fields` describes the file for messages.
ColumnRoles ResolveRoles(const std::vector<std::string>& names, const ComparisonReadOptions& options,
                         const std::string& where, const char* noun) {
  const auto find = [&](const std::string& wanted) { return internal::FindColumn(names, wanted); };
  const auto require = [&](const std::string& wanted, const char* flag) {
    std::string found = find(wanted);
    if (found.empty()) {
      throw ParseError(fmt::format("{}: no '{}' {} (found: {}); name it with {} NAME", where, Excerpt(wanted), noun,
                                   Excerpt(fmt::format("{}", fmt::join(names, ", "))), flag));
    }
    return found;
  };
  ColumnRoles roles;
  roles.a = require(options.model_a_column, "--model-a");
  roles.b = require(options.model_b_column, "--model-b");
  roles.winner = find(options.winner_column);
  if (roles.winner.empty()) {
    roles.won_a = find(kOneHotA);
    roles.won_b = find(kOneHotB);
    roles.tie = find(kOneHotTie);
    if (roles.won_a.empty() || roles.won_b.empty()) {
      throw ParseError(fmt::format("{}: no '{}' {} and no one-hot {}s {}, {} (found: {}); name the winner's with "
                                   "--winner NAME", where, Excerpt(options.winner_column), noun, noun, kOneHotA,
                                   kOneHotB, Excerpt(fmt::format("{}", fmt::join(names, ", ")))));
    }
  }
  if (!options.context_column.empty()) roles.context = require(options.context_column, "--context");
  if (!options.weight_column.empty()) roles.weight = require(options.weight_column, "--weight");
  if (!options.cluster_column.empty()) roles.cluster = require(options.cluster_column, "--cluster");
  return roles;
}

// A one-hot cell: 1 (or true) marks the outcome, 0 (or false) does not.
std::optional<bool> OneHot(const std::string& value) {
  double number = 0;
  const std::string v = Lowercase(value);
  if (v == "true") return true;
  if (v == "false") return false;
  if (internal::ParseLooseNumber(v, number) && (number == 0 || number == 1)) return number == 1;
  return std::nullopt;
}

// The winner word of one-hot cells: exactly one of them is 1.
std::string WinnerFromOneHot(const std::string& where, const std::string& won_a, const std::string& won_b,
                             const std::string* tie) {
  const std::optional<bool> a = OneHot(won_a), b = OneHot(won_b);
  const std::optional<bool> t = tie ? OneHot(*tie) : std::optional<bool>(false);
  if (!a || !b || !t) {
    throw ParseError(fmt::format("{}: one-hot winner cells must be 0 or 1 (found {}, {}{})", where, Excerpt(won_a),
                                 Excerpt(won_b), tie ? ", " + Excerpt(*tie) : ""));
  }
  if (*a + *b + *t != 1) {
    throw ParseError(fmt::format("{}: exactly one of {}, {}{} must be 1 (found {}, {}{})", where, kOneHotA, kOneHotB,
                                 tie ? std::string(", ") + kOneHotTie : "", won_a, won_b, tie ? ", " + *tie : ""));
  }
  return *a ? "model_a" : *b ? "model_b" : "tie";
}

constexpr const char* kTieNote = "ties (tie, tie (bothbad), draw) count half a win to each side";

// a's result for a winner value: a model's name, a side word, or a number on options' score range.
double ScoreOfWinner(const std::string& where, const std::string& a, const std::string& b, const std::string& winner,
                     const ComparisonReadOptions& options) {
  if (winner == a) return 1.0;
  if (winner == b) return 0.0;
  const std::string value = Lowercase(winner);
  if (value == "model_a" || value == "a") return 1.0;
  if (value == "model_b" || value == "b") return 0.0;
  if (value == "tie" || value == "tie (bothbad)" || value == "draw") return 0.5;
  double number = 0;
  if (internal::ParseLooseNumber(value, number)) {
    if (!options.score_range_given) {
      throw ParseError(fmt::format("{}: winner '{}' is a number: say what it means with --score-range LO,HI (LO: "
                                   "model_b won, HI: model_a won; AlpacaEval's preference is 2,1)", where,
                                   Excerpt(winner)));
    }
    const double score = (number - options.score_low) / (options.score_high - options.score_low);
    if (!(score >= 0 && score <= 1)) {
      throw ParseError(fmt::format("{}: winner {} lies outside --score-range {:g},{:g}", where, Excerpt(winner),
                                   options.score_low, options.score_high));
    }
    return score;
  }
  throw ParseError(fmt::format("{}: winner '{}' is neither model ('{}', '{}') nor one of model_a, model_b, a, b, tie, "
                               "tie (bothbad), draw", where, Excerpt(winner), Excerpt(a), Excerpt(b)));
}

double ParseWeight(const std::string& where, const std::string& text, const std::string& column) {
  size_t used = 0;
  double weight = 0;
  try {
    weight = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) {
    throw ParseError(fmt::format("{}: weight '{}' in column '{}' is not a number", where, Excerpt(text), column));
  }
  return weight;
}

// One battle, checked: two different non-empty names, a known winner value, a finite weight >= 0.
ComparisonUnit Battle(const BattleFields& fields, double weight, const ComparisonReadOptions& options,
                      internal::CandidateIndex& candidates) {
  const std::string& where = fields.where;
  if (fields.a.empty() || fields.b.empty()) throw ParseError(fmt::format("{}: empty model name", where));
  if (fields.a == fields.b) {
    throw ParseError(fmt::format("{}: '{}' battles itself: model_a and model_b must differ", where, Excerpt(fields.a)));
  }
  const double score_a = ScoreOfWinner(where, fields.a, fields.b, fields.winner, options);
  if (!std::isfinite(weight) || weight < 0) {
    throw ParseError(fmt::format("{}: weight '{:g}' is not a finite number >= 0", where, weight));
  }
  ComparisonUnit unit;
  unit.outcomes.push_back({candidates.IndexOf(fields.a), candidates.IndexOf(fields.b), score_a, weight});
  unit.context = fields.context;
  unit.cluster = fields.cluster;
  return unit;
}

void CheckScoreRange(const ComparisonReadOptions& options) {
  if (!options.score_range_given) return;
  if (!std::isfinite(options.score_low) || !std::isfinite(options.score_high) ||
      options.score_low == options.score_high) {
    throw InvalidArgument(fmt::format("--score-range {:g},{:g}: two different finite numbers (the winner value that "
                                      "means model_b won, then the one that means model_a won)",
                                      options.score_low, options.score_high));
  }
}

// Reads every record that `for_each` hands to the emitter it is given.
template <typename ForEach>
ComparisonData ReadBattleRecords(const std::string& path, const ComparisonReadOptions& options, ForEach for_each) {
  CheckScoreRange(options);
  ComparisonData data;
  data.source = path;
  data.format = "battles";
  internal::CandidateIndex candidates;
  for_each([&](const BattleFields& fields) {
    const double weight = fields.has_weight ? ParseWeight(fields.where, fields.weight, options.weight_column) : 1.0;
    data.units.push_back(Battle(fields, weight, options, candidates));
  });
  if (data.units.empty()) throw ParseError(fmt::format("{}: no battles", path));
  data.candidates = candidates.names();
  data.notes.push_back(kTieNote);
  return data;
}

// The battle fields of one JSON record under `roles`.
BattleFields FieldsOfRecord(const nlohmann::json& record, const ColumnRoles& roles, const std::string& where) {
  if (!record.is_object()) throw ParseError(fmt::format("{}: a battle record must be a JSON object", where));
  const auto get = [&](const std::string& key) {
    const auto found = record.find(key);
    if (found == record.end()) throw ParseError(fmt::format("{}: the record has no '{}' field", where, Excerpt(key)));
    std::optional<std::string> text = ScalarText(*found);
    if (!text) {
      throw ParseError(fmt::format("{}: field '{}' is {}; it must be a string or a number", where, Excerpt(key),
                                   found->is_null() ? "null" : "not a single value"));
    }
    return *text;
  };
  BattleFields fields;
  fields.where = where;
  fields.a = get(roles.a);
  fields.b = get(roles.b);
  if (!roles.winner.empty()) {
    fields.winner = get(roles.winner);
  } else {
    const std::string tie = roles.tie.empty() ? "" : get(roles.tie);
    fields.winner = WinnerFromOneHot(where, get(roles.won_a), get(roles.won_b), roles.tie.empty() ? nullptr : &tie);
  }
  if (!roles.context.empty()) fields.context = get(roles.context);
  if (!roles.cluster.empty()) fields.cluster = get(roles.cluster);
  if (!roles.weight.empty()) {
    fields.weight = get(roles.weight);
    fields.has_weight = true;
  }
  return fields;
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
  return ReadBattleRecords(source, {}, [&](const auto& emit) {
    for (size_t r = 0; r < rows; ++r) {
      BattleFields fields;
      fields.where = fmt::format("{}: row {}", source, r);
      fields.a = model_a[r];
      fields.b = model_b[r];
      fields.winner = winner[r];
      fields.context = contexts ? (*contexts)[r] : "";
      fields.has_weight = weights != nullptr;
      if (weights) fields.weight = fmt::format("{:.17g}", (*weights)[r]);  // exact round trip
      emit(fields);
    }
  });
}

ComparisonData ParseBattles(std::string_view text, const std::string& path, const ComparisonReadOptions& options) {
  const std::vector<internal::CsvRow> rows = internal::ReadCsv(text, path);
  if (rows.empty()) throw ParseError(fmt::format("{}: no header and no battles", path));
  const internal::CsvRow& header = rows[0];
  const ColumnRoles roles = ResolveRoles(header.fields, options, fmt::format("{}:{}: the header", path, header.line), "column");
  const auto column = [&](const std::string& name) {
    return name.empty() ? -1 : static_cast<int>(std::find(header.fields.begin(), header.fields.end(), name) -
                                                header.fields.begin());
  };
  const int a = column(roles.a), b = column(roles.b), winner = column(roles.winner), won_a = column(roles.won_a),
            won_b = column(roles.won_b), tie = column(roles.tie), context = column(roles.context),
            weight = column(roles.weight), cluster = column(roles.cluster);
  return ReadBattleRecords(path, options, [&](const auto& emit) {
    for (size_t r = 1; r < rows.size(); ++r) {
      const internal::CsvRow& row = rows[r];
      BattleFields fields;
      fields.where = fmt::format("{}:{}", path, row.line);
      if (row.fields.size() != header.fields.size()) {
        throw ParseError(fmt::format("{}: {} fields, but the header has {}", fields.where, row.fields.size(),
                                     header.fields.size()));
      }
      fields.a = row.fields[a];
      fields.b = row.fields[b];
      fields.winner = winner >= 0 ? row.fields[winner]
                                  : WinnerFromOneHot(fields.where, row.fields[won_a], row.fields[won_b],
                                                     tie >= 0 ? &row.fields[tie] : nullptr);
      fields.context = context >= 0 ? row.fields[context] : "";
      fields.cluster = cluster >= 0 ? row.fields[cluster] : "";
      fields.has_weight = weight >= 0;
      if (weight >= 0) fields.weight = row.fields[weight];
      emit(fields);
    }
  });
}

ComparisonData ParseJsonBattles(std::string_view text, const std::string& path, const ComparisonReadOptions& options) {
  // The columns are resolved against the first record's fields.
  std::optional<ColumnRoles> roles;
  return ReadBattleRecords(path, options, [&](const auto& emit) {
    internal::ForEachJsonRecord(text, path, [&](const nlohmann::json& record, const std::string& where) {
      if (!roles) roles = ResolveRoles(KeysOf(record), options, where, "field");
      emit(FieldsOfRecord(record, *roles, where));
    });
  });
}

}  // namespace nlhf
