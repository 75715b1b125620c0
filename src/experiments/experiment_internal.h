// What the parts of `nlhf run` share after the runs are done: the groups runs are pooled into, the traces
// read back, the median curves, the claims and the figures other than gap curves (experiment.h).
#ifndef NLHF_SRC_EXPERIMENTS_EXPERIMENT_INTERNAL_H_
#define NLHF_SRC_EXPERIMENTS_EXPERIMENT_INTERNAL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/experiments/experiment.h"
#include "nlhf/io/gnuplot.h"

namespace nlhf::internal {

// Games pooled for statistics: a family (ExperimentGame::family), or one game on its own.
struct ExperimentGroup {
  std::string label;
  std::vector<int> games;
};
std::vector<ExperimentGroup> GroupGames(const Experiment& e);

// A run's trace as read back from its CSV: the gap at each traced iteration and, where the experiment
// traces them, the first player's log-probabilities.
struct RunTrace {
  std::vector<std::int64_t> iterations;
  std::vector<double> gaps;
  std::vector<std::vector<double>> log_policy;  // per traced point; empty when not traced
};
RunTrace ReadRunTrace(const std::string& path);

// The runs of one method on one group, with their traces, in expansion order.
struct GroupRun {
  const RunRecord* record;
  const RunTrace* trace;
  std::string who;  // "seed 2", or "random(n=10, seed=3) seed 0" in a group of several games
};
std::vector<GroupRun> RunsOf(const Experiment& e, const ExperimentGroup& group, int method,
                             const std::vector<RunRecord>& runs, const std::vector<RunTrace>& traces);

// Median and band (Experiment::Band) over traces on their common grid; a run that stopped early holds
// its last value, so the median always covers every run.
PlotCurve MedianCurve(const std::string& label, const std::vector<const RunTrace*>& traces, Experiment::Band band);
std::string BandName(Experiment::Band band);

// The verdicts of `claim` on `group`: one per method configuration it names (grows_with: per algorithm).
std::vector<ClaimVerdict> JudgeClaim(const Experiment& e, const ExperimentClaim& claim, const ExperimentGroup& group,
                                     const std::vector<RunRecord>& runs, const std::vector<RunTrace>& traces);

// kind: final_gap or iterations — the medians against the `over` parameter, one line per group and
// algorithm (a method without the parameter as a dashed level), with its .csv and .gp beside `png`.
void DrawParameterFigure(const Experiment& e, const std::vector<ExperimentGroup>& groups,
                         const std::vector<RunRecord>& runs, const std::string& png);
// kind: log_policy — the first run of each group: every action's log-probability and the gap.
void DrawLogPolicyFigure(const Experiment& e, const std::string& title, const RunTrace& trace, const std::string& png);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_EXPERIMENTS_EXPERIMENT_INTERNAL_H_
