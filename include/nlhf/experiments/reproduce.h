// `nlhf reproduce`: the tabular experiments of arXiv 2512.24818 and the evidence for its claims,
// from seeds, with figures (gnuplot), the data behind them as CSV, and a report. The neural panels
// (fig2_neural) come from the caller (ReproduceOptions::neural_panels), since this library does not link
// LibTorch; without them the report says the neural figure was not run.
#ifndef NLHF_EXPERIMENTS_REPRODUCE_H_
#define NLHF_EXPERIMENTS_REPRODUCE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/experiments/comparison.h"
#include "nlhf/io/gnuplot.h"

namespace nlhf {

struct ReproduceOptions {
  std::string out = "nlhf-reproduce";  // folder for figures, CSVs and report.md, replaced as a unit (io/output_folder.h)
  bool quick = false;                  // fewer seeds and iterations (seconds instead of a minute)
  int seeds = 0;                       // games per family; 0: 3 (quick) or 10
  std::string command_line;            // recorded in the report
  std::string versions;                // further library versions for the report, e.g. "LibTorch 1.13.0"
  std::function<void(const std::string&)> progress;  // "fig2_tabular: random seed 2", ...
  // Figure 2 with neural policies: (CSV family key, panel) pairs for (quick, seeds, progress); empty
  // function: not built (nlhf without LibTorch). `nlhf reproduce` passes neural::RunNeuralFigure.
  std::function<std::vector<std::pair<std::string, MethodPanel>>(bool, int, const std::function<void(const std::string&)>&)>
      neural_panels;
};

struct ReproduceSummary {
  std::vector<std::string> files;  // written, relative to `out`
  double seconds = 0;
  std::vector<std::pair<std::string, bool>> claims;  // each claim and whether these runs support it
};

ReproduceSummary Reproduce(const ReproduceOptions& options);

// Least-squares slope of log(gap) against iteration over the points with gap in [low, high] (from the
// first at or below `high`, while above `low`), as the per-iteration rate exp(slope) < 1. NaN ("none")
// where the curve is not linear there: fewer than 5 points, a slope that is not negative, a semi-log fit
// with R² below 0.95, or one that a power law (log gap against log iteration) fits better.
double FittedLinearRate(const std::vector<std::int64_t>& iterations, const std::vector<double>& gaps,
                        double low = 1e-12, double high = 1e-3);

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_REPRODUCE_H_
