// Pairwise comparison data from real logs, in one form whatever the file format: candidates, and units of
// observation (one battle, one score-table row, one ranking) that the bootstrap resamples.
#ifndef NLHF_RANKING_COMPARISONS_H_
#define NLHF_RANKING_COMPARISONS_H_

#include <Eigen/Dense>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nlhf {

// a's result against b: 1 a won, 0 b won, 1/2 a tie (or any value between, e.g. a normalized score).
struct PairwiseOutcome {
  int a = 0;
  int b = 0;
  double score_a = 0.5;
  double weight = 1.0;
};

// What the bootstrap draws with replacement: one battle, one row of a score table, one ranking.
struct ComparisonUnit {
  std::vector<PairwiseOutcome> outcomes;
  double multiplicity = 1.0;  // how many identical units this stands for (PrefLib counts)
  std::string context;        // e.g. the question_id; empty when there is none
  // Units of one cluster (e.g. battles on one question) are resampled together by the bootstrap; empty
  // when the data has no clusters.
  std::string cluster;
  // A ranking's order, best first, one group per rank (a group of several is a tie); empty when the unit
  // is not a ranking (PrefLib ballots fill it, for the Plackett–Luce fit).
  std::vector<std::vector<int>> order;
};

// The scores behind a score table or a judgment table, as read: scores(t, c) is candidate c's score on
// task t (a table's row, a judged item), NaN where missing. Nash averaging plays agents against tasks on it.
struct ScoreMatrix {
  std::vector<std::string> tasks;  // the row's label, the item's key, or "line N"
  Eigen::MatrixXd scores;          // tasks × candidates
};

struct ComparisonData {
  std::string source;                   // the file
  std::string format;                   // "battles", "pairwise", "score-table", "preflib", "matrix"
  std::vector<std::string> candidates;
  std::vector<ComparisonUnit> units;    // empty for a matrix
  std::optional<Eigen::MatrixXd> preferences;  // a preference matrix given directly ("matrix")
  std::optional<ScoreMatrix> scores;    // score tables and judgments: the scores themselves
  std::vector<std::string> notes;       // conventions the reader applied, e.g. for incomplete rankings
};

// Weighted wins (ties count half to each side) and comparison counts between every pair.
struct PairwiseTable {
  Eigen::MatrixXd wins;    // wins(a, b): a's total result against b
  Eigen::MatrixXd counts;  // counts(a, b) = counts(b, a): total weight of comparisons between a and b
};

// Aggregates `units` into a table, each unit taken `multiplicity` times, or `draws[k]` times when
// `draws` is given (a bootstrap resample).
// Units whose context differs from `context` are skipped unless `context` is empty.
PairwiseTable Tabulate(const ComparisonData& data,
                       const std::vector<double>* draws = nullptr,
                       const std::string& context = "");

// P[a][b] = (wins(a, b) + prior) / (counts(a, b) + 2·prior); pairs with no comparisons (and prior 0) get
// 1/2, are counted in `never_compared_count` and the first `max_listed` of them listed in `never_compared`.
// The diagonal is 1/2.
Eigen::MatrixXd PreferencesFromTable(const PairwiseTable& table,
                                     double prior,
                                     std::vector<std::pair<int, int>>* never_compared,
                                     std::int64_t* never_compared_count = nullptr,
                                     size_t max_listed = 0);

}  // namespace nlhf

#endif  // NLHF_RANKING_COMPARISONS_H_
