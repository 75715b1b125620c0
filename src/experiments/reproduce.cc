// `nlhf reproduce`: the shipped experiment files run in turn by the engine of `nlhf run`, and one report.
#include "nlhf/experiments/reproduce.h"

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/output_folder.h"

namespace nlhf {
namespace internal {
// Generated from experiments/reproduce/*.yaml by cmake/EmbedFiles.cmake.
const std::vector<std::pair<std::string, std::string>>& ReproduceExperimentFiles();
}  // namespace internal

namespace {

// "AMD EPYC" from /proc/cpuinfo, or "unknown CPU".
std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown CPU";
}

std::string CompilerName() {
#if defined(__clang__)
  return fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}", __VERSION__);
#else
  return "an unknown compiler";
#endif
}

// --seeds K: every family's games become seeds 1..K ("games.N.seed=1..K" for each game with a family).
std::vector<std::string> SeedOverrides(const std::string& yaml, int seeds) {
  std::vector<std::string> overrides;
  if (seeds <= 0) return overrides;
  const YAML::Node games = YAML::Load(yaml)["games"];
  for (size_t k = 0; games && k < games.size(); ++k) {
    if (games[k]["family"] && games[k]["seed"]) overrides.push_back(fmt::format("games.{}.seed=1..{}", k, seeds));
  }
  return overrides;
}

// An experiment's report inside the combined one: its title left out (the caller heads the section),
// headings one level down, figures from its folder.
std::string Nested(const std::string& report, const std::string& folder) {
  std::istringstream lines(report);
  std::string nested;
  bool title = true;
  for (std::string line; std::getline(lines, line);) {
    if (title && line.starts_with("# ")) {
      title = false;
      continue;
    }
    if (line.starts_with("#")) line = "#" + line;
    if (line.starts_with("![")) {
      const size_t open = line.find("](");
      if (open != std::string::npos) line.insert(open + 2, folder + "/");
    }
    nested += line + "\n";
  }
  return nested;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& ReproductionFiles() {
  return internal::ReproduceExperimentFiles();
}

double FittedLinearRate(const std::vector<std::int64_t>& iterations, const std::vector<double>& gaps, double low,
                        double high) {
  // After burn-in: from the first point at or below `high` on, while the gap stays above `low`.
  size_t begin = 0;
  while (begin < gaps.size() && !(gaps[begin] <= high)) ++begin;
  std::vector<double> t, log_t, y;
  for (size_t k = begin; k < gaps.size() && gaps[k] >= low; ++k) {
    if (iterations[k] <= 0 || !(gaps[k] > 0)) continue;
    t.push_back(static_cast<double>(iterations[k]));
    log_t.push_back(std::log(static_cast<double>(iterations[k])));
    y.push_back(std::log(gaps[k]));
  }
  if (t.size() < 5) return std::numeric_limits<double>::quiet_NaN();
  // Least squares of y on x: the slope and R² (the share of y's variance the line explains).
  const auto fit = [&](const std::vector<double>& x) {
    const double n = static_cast<double>(x.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    for (size_t k = 0; k < x.size(); ++k) {
      sx += x[k];
      sy += y[k];
      sxx += x[k] * x[k];
      sxy += x[k] * y[k];
      syy += y[k] * y[k];
    }
    const double cxx = sxx - sx * sx / n, cxy = sxy - sx * sy / n, cyy = syy - sy * sy / n;
    const double r2 = cxx > 0 && cyy > 0 ? cxy * cxy / (cxx * cyy) : 0.0;
    return std::pair{cxx > 0 ? cxy / cxx : 0.0, r2};
  };
  const auto [slope, semilog_r2] = fit(t);
  const double loglog_r2 = fit(log_t).second;
  // Linear convergence is a straight line on a semi-log plot; a power law (MWU's average, O(1/√T)) is one
  // on a log–log plot. A rate is reported only where the semi-log line fits well and better.
  if (!(slope < 0) || semilog_r2 < 0.95 || semilog_r2 < loglog_r2) return std::numeric_limits<double>::quiet_NaN();
  return std::exp(slope);
}

ReproduceSummary Reproduce(const ReproduceOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  OutputFolder folder("--out", options.out, "report.md");  // the previous run stays whole until Commit
  ReproduceSummary summary;
  const int jobs = options.jobs > 0 ? options.jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::string sections;
  for (const auto& [file, text] : ReproductionFiles()) {
    const std::string source = "experiments/reproduce/" + file;
    const Experiment experiment = ParseExperiment(text, source, SeedOverrides(text, options.seeds), options.quick);
    if (experiment.neural_run() && !options.neural) {
      summary.skipped.push_back(fmt::format("{}: not run, this nlhf was built without LibTorch (libtorch-dev)", source));
      continue;
    }
    RunExperimentOptions run;
    run.jobs = jobs;
    run.neural = options.neural;
    if (options.progress) {
      run.progress = [&](int done, int total) { options.progress(fmt::format("{}: run {}/{}", experiment.name, done, total)); };
      options.progress(experiment.name);
    }
    const ExperimentResult result = RunExperiment(experiment, folder.Path(experiment.name), run);
    WriteFileAtomically(folder.Path(experiment.name + "/experiment.yaml"), text);  // the file it came from
    summary.experiments.push_back(experiment.name);
    summary.claims.insert(summary.claims.end(), result.claims.begin(), result.claims.end());
    sections += fmt::format("\n## {}\n\nFrom `{}` (a copy: [{}/experiment.yaml]({}/experiment.yaml)); every run's "
                            "record and trace in `{}/runs/`.\n\n",
                            experiment.name, source, experiment.name, experiment.name, experiment.name);
    sections += Nested(ReadTextFile(folder.Path(experiment.name + "/report.md")), experiment.name);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string report = fmt::format(
      "# nlhf reproduce{}\n\nCommand: `{}`\n\nThe experiments of arXiv 2512.24818, each an experiment file run by "
      "the engine of `nlhf run` (docs/experiments.md): {}. Every number below comes from the tables in each "
      "experiment's folder; two runs with the same options write identical tables and traces (timings.csv apart).\n\n"
      "Machine: {}; {} hardware threads, {} job(s). Built with {}, Eigen {}.{}.{}{}. Wall-clock time of this run: {:.1f} s.\n\n",
      options.quick ? " --quick" : "", options.command_line, fmt::join(summary.experiments, ", "), CpuModel(),
      std::thread::hardware_concurrency(), jobs, CompilerName(), EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
      EIGEN_MINOR_VERSION, options.versions.empty() ? "" : ", " + options.versions, seconds);
  report += "## Claims\n\nEach judged on the medians of its group of games and counted run by run (a run: one game and "
            "one seed).\n\n";
  for (const ClaimVerdict& v : summary.claims) report += FormatClaimVerdict(v);
  for (const std::string& skipped : summary.skipped) report += fmt::format("\n{}\n", skipped);
  WriteFileAtomically(folder.Path("report.md"), report + sections);
  folder.Commit(options.command_line);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace nlhf
