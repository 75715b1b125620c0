// `nlhf reproduce`: the experiments of arXiv 2512.24818 and the evidence for its claims, from seeds. The
// reproduction is a set of experiment files (experiments/reproduce/*.yaml in the repository, carried by
// the library) run by the engine of `nlhf run` (experiment.h): each writes its folder of runs, tables,
// figures and claims; report.md gathers them with every claim's verdict. The neural files need the
// caller's trainer (ReproduceOptions::neural): this library does not link LibTorch.
#ifndef NLHF_EXPERIMENTS_REPRODUCE_H_
#define NLHF_EXPERIMENTS_REPRODUCE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/experiments/experiment.h"

namespace nlhf {

struct ReproduceOptions {
  std::string out = "nlhf-reproduce";  // one folder per experiment file and report.md, replaced as a unit (io/output_folder.h)
  bool quick = false;                  // each file's quick: settings (seconds instead of minutes)
  int seeds = 0;                       // games per family (seed: 1..seeds); 0: each file's own
  int jobs = 0;                        // runs in parallel; 0: one per hardware thread
  std::string command_line;            // recorded in the report
  std::string versions;                // further library versions for the report, e.g. "LibTorch 1.13.0"
  std::function<void(const std::string&)> progress;  // "fig2_tabular: run 12/66", ...
  NeuralRunner neural;                 // the neural files' trainer; empty: they are reported as not run
};

struct ReproduceSummary {
  std::vector<std::string> experiments;  // the folders written (one per file run), relative to `out`
  std::vector<std::string> skipped;      // files not run, with why
  double seconds = 0;
  std::vector<ClaimVerdict> claims;      // every file's claims, in order
};

// The reproduction's experiment files, (file name, YAML text), in name order.
const std::vector<std::pair<std::string, std::string>>& ReproductionFiles();

ReproduceSummary Reproduce(const ReproduceOptions& options);

// Least-squares slope of log(gap) against iteration over the points with gap in [low, high] (from the
// first at or below `high`, while above `low`), as the per-iteration rate exp(slope) < 1. NaN ("none")
// where the curve is not linear there: fewer than 5 points, a slope that is not negative, a semi-log fit
// with R² below 0.95, or one that a power law (log gap against log iteration) fits better.
double FittedLinearRate(const std::vector<std::int64_t>& iterations, const std::vector<double>& gaps,
                        double low = 1e-12, double high = 1e-3);

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_REPRODUCE_H_
