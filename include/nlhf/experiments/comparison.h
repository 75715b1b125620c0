// Running several algorithms side by side, over several seeds, and summarizing their convergence:
// what `nlhf compare` and `nlhf reproduce` build their tables and figures from.
#ifndef NLHF_EXPERIMENTS_COMPARISON_H_
#define NLHF_EXPERIMENTS_COMPARISON_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nlhf/game.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/registry.h"
#include "nlhf/solver.h"

namespace nlhf {

struct ComparisonOptions {
  std::vector<std::string> algorithms;  // registry names
  std::int64_t iterations = 2000;       // every run goes the full distance (gap tolerance 0)
  int seeds = 1;                        // runs per algorithm; seed k is passed to the game and the start
  std::int64_t trace_interval = 0;      // 0: about 500 points per curve
  bool random_initial_policy = false;   // start seed k from random logits with seed k (else uniform)
  PlayerVectors reference_log_policy;   // π_ref of the regularized methods; empty: uniform
  // Parameters for every algorithm that has them (e.g. {"beta": 0.1}), then per algorithm.
  ParameterValues common_parameters;
  std::map<std::string, ParameterValues> parameters;
  std::vector<double> gap_levels = {1e-3, 1e-6, 1e-9};
  // Called before each run: (runs done, runs in all, "omwu seed 2").
  std::function<void(int, int, const std::string&)> progress;
};

// Median, min and max over seeds of one method's trace, on a common iteration grid; a run that stopped
// early holds its last value.
struct GapCurve {
  std::vector<std::int64_t> iterations;
  std::vector<double> median, minimum, maximum;
};

struct MethodSummary {
  std::string name;          // registry name
  std::string spec;          // with parameters, e.g. "nash-md(eta=1,beta=0.05)"
  double final_gap = 0;      // median over seeds of the returned iterate's gap at the end
  double best_gap = 0;       // median over seeds of the smallest gap along the run
  double final_regularized_gap = std::numeric_limits<double>::quiet_NaN();  // median; NaN if no β
  // For each level, the median over seeds of the first iteration whose gap is <= level (every iteration
  // is checked, not only traced ones); nullopt where the median run never got there.
  std::map<double, std::optional<std::int64_t>> iterations_to;
  std::map<double, int> runs_reaching;  // per level: how many runs (seeds) got there at all
  int run_count = 0;                    // runs the medians are over
  double seconds = 0;        // median wall-clock time of one run
  GapCurve curve;
  std::vector<SolveResult> runs;  // one per seed, with its trace
};

// The median of the values that are not NaN (infinities count: "never reached" stays an answer); NaN
// when there are none; the mean of the two middle ones for an even count.
double Median(std::vector<double> values);

// What each run (seed) of one method gave, gathered before their medians go into its summary.
struct RunMeasurements {
  std::vector<double> finals, bests, regularized, seconds;
  std::map<double, std::vector<double>> reached;  // level → first iteration per run (inf: never)
};

// Sets the summary's medians over the runs: final, best and regularized gap, seconds, and iterations to
// each level (rounded up: the first iteration by which half the runs had got there; nullopt if never).
void SetMedians(const RunMeasurements& measurements, MethodSummary& summary);

// Runs every algorithm on game_for_seed(k) for k = 0 .. seeds−1. Throws InvalidArgument for an unknown
// algorithm or a bad parameter before anything runs.
std::vector<MethodSummary> RunComparison(const std::function<ZeroSumGame(int seed)>& game_for_seed,
                                         const ComparisonOptions& options);

// Methods compared on one family of games, shown as one panel of a figure.
struct MethodPanel {
  std::string title;
  std::vector<MethodSummary> methods;
};

// The methods' median curves with their min–max bands, as io draws them: labelled by name ("(average)"
// for averaging methods, "(exact)" for direct solvers), OMWU emphasized.
std::vector<PlotCurve> PlotCurves(const std::vector<MethodSummary>& methods);
PlotPanel ToPlotPanel(const MethodPanel& panel);

// {"methods": [{"name", "spec", "final_gap", "best_gap", "final_regularized_gap", "iterations_to":
// {"1e-03": n | null, ...}, "seconds"}, ...]} as JSON text.
std::string ComparisonSummaryJson(const std::vector<MethodSummary>& methods, const ComparisonOptions& options);

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_COMPARISON_H_
