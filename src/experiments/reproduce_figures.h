// The figures of `nlhf reproduce` (reproduce.h), one function each: run the experiment, write its CSV and
// its figure, and return the numbers the report and the claims read. Reproduce() calls them in order.
#ifndef NLHF_SRC_EXPERIMENTS_REPRODUCE_FIGURES_H_
#define NLHF_SRC_EXPERIMENTS_REPRODUCE_FIGURES_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/experiments/comparison.h"
#include "nlhf/experiments/reproduce.h"
#include "nlhf/solver.h"

namespace nlhf::internal {

// Games per figure: n = 10 responses, the families of the paper's experiments.
constexpr int kReproduceN = 10;
// "random", "planted" (n = kReproduceN, seeded), "cyclic3"; anything else rock–paper–scissors.
ZeroSumGame Family(const std::string& family, int seed);

// What every figure shares: the run's size and where it writes (each file is recorded in `files`).
struct FigureContext {
  std::filesystem::path out;
  bool quick = false;
  int seeds = 0;
  std::int64_t iterations = 0;  // per run in figures 2 and 3
  std::function<void(const std::string&)> say;
  std::vector<std::string>* files = nullptr;

  void Write(const std::string& name, const std::string& contents) const;
  // The path of a file about to be written by another writer (a figure), recorded as written.
  std::string Output(const std::string& name) const;
};

using Families = std::map<std::string, std::vector<MethodSummary>>;

// Figure 2, tabular: every iterative method on random and planted games.
Families RunFig2Tabular(const FigureContext& context);
// Figure 2, neural: the panels the caller builds (ReproduceOptions::neural_panels), drawn and saved.
std::vector<std::pair<std::string, MethodPanel>> RunFig2Neural(const FigureContext& context,
                                                                const ReproduceOptions& options);
// Figure 3: MWU's last iterate against its average, OMWU for reference.
std::vector<MethodSummary> RunFig3Omd(const FigureContext& context);
// Marginal convergence: OMWU from log-probability −5000 on one action of planted n = 11.
SolveResult RunMarginal(const FigureContext& context);

// The regularization bias: each regularized method's plateau against β, and OMWU's gap after as many
// iterations.
struct BiasFigure {
  std::vector<double> betas;
  std::int64_t iterations = 0;
  std::map<std::string, std::vector<double>> plateaus;  // by method, one per β
  double omwu_final_gap = 0;
};
BiasFigure RunBias(const FigureContext& context);
// Step size: iterations plain OMWU needs to reach gap 1e-8 against η, per family (CSV and figure only).
// One row of the step-size figure: plain OMWU on one family at one η, over the family's seeds.
struct StepSizeRow {
  std::string family;
  double eta = 0;
  double median_iterations = 0;  // to gap 1e-8; infinite when the median seed did not get there
  int reached = 0, seeds = 0;
  std::int64_t budget = 0;
};
std::vector<StepSizeRow> RunStepSize(const FigureContext& context);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_EXPERIMENTS_REPRODUCE_FIGURES_H_
