// Pairwise scores: rows a,b,score with a's result against b on a stated scale.
#include <fmt/format.h>

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/ranking/readers.h"
#include "ranking/candidate_index.h"
#include "ranking/csv.h"

namespace nlhf {

ComparisonData ParsePairwiseScores(std::string_view text, const std::string& path,
                                   const ComparisonReadOptions& options) {
  if (!std::isfinite(options.score_low) || !std::isfinite(options.score_high) ||
      !std::isfinite(options.score_high - options.score_low)) {
    throw InvalidArgument(fmt::format("--score-range {},{}: both ends, and their distance, must be finite numbers (a "
                                      "score is placed between them)", options.score_low, options.score_high));
  }
  if (!(options.score_high > options.score_low)) {
    throw InvalidArgument(fmt::format("--score-range {},{}: the high end must exceed the low end",
                                      options.score_low, options.score_high));
  }
  const std::vector<internal::CsvRow> rows = internal::ReadCsv(text, path);
  ComparisonData data;
  data.source = path;
  data.format = "pairwise";
  internal::CandidateIndex candidates;
  int diagonal = 0;  // rows of a candidate against itself, as tournament tables hold (skipped)
  for (size_t r = 0; r < rows.size(); ++r) {
    const internal::CsvRow& row = rows[r];
    if (row.fields.size() != 3) {
      throw ParseError(fmt::format("{}:{}: {} fields; pairwise rows are a,b,score", path, row.line, row.fields.size()));
    }
    double score = 0;
    if (!internal::ParseLooseNumber(row.fields[2], score)) {
      if (r == 0) continue;  // a header such as "a,b,score"
      throw ParseError(fmt::format("{}:{}: score '{}' is not a number", path, row.line, Excerpt(row.fields[2])));
    }
    if (score < options.score_low || score > options.score_high) {
      throw ParseError(fmt::format("{}:{}: score {} is outside the score range [{}, {}] (set it with --score-range "
                                   "LO,HI)", path, row.line, row.fields[2], options.score_low, options.score_high));
    }
    if (row.fields[0].empty() || row.fields[1].empty()) {
      throw ParseError(fmt::format("{}:{}: a row needs two candidates, got '{}' and '{}'", path, row.line,
                                   Excerpt(row.fields[0]), Excerpt(row.fields[1])));
    }
    if (row.fields[0] == row.fields[1]) {
      ++diagonal;
      continue;
    }
    ComparisonUnit unit;
    unit.outcomes.push_back({candidates.IndexOf(row.fields[0]), candidates.IndexOf(row.fields[1]),
                             (score - options.score_low) / (options.score_high - options.score_low), 1.0});
    data.units.push_back(std::move(unit));
  }
  if (data.units.empty()) throw ParseError(fmt::format("{}: no a,b,score rows", path));
  data.candidates = candidates.names();
  if (diagonal > 0) {
    data.notes.push_back(fmt::format("{} row(s) of a candidate against itself (a tournament table's diagonal) "
                                     "skipped", diagonal));
  }
  data.notes.push_back(fmt::format("scores mapped from [{}, {}] to [0, 1]; duplicate and reversed pairs combined",
                                   options.score_low, options.score_high));
  return data;
}

}  // namespace nlhf
