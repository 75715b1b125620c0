// Groups, traces read back and median curves: the statistics every table, figure and claim of an
// experiment is made of.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "experiments/experiment_internal.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/random.h"

namespace nlhf::internal {
namespace {

constexpr int kBootstrapResamples = 1000;

// The q-quantile of `values` (linear interpolation between order statistics).
double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

// The 2.5% and 97.5% quantiles of the median over bootstrap resamples of `values` (`resamples`: index
// vectors drawn once per curve, so that each resample is the same set of runs at every point).
std::pair<double, double> BootstrapInterval(const std::vector<double>& values,
                                            const std::vector<std::vector<size_t>>& resamples) {
  std::vector<double> medians, drawn(values.size());
  for (const std::vector<size_t>& resample : resamples) {
    for (size_t k = 0; k < resample.size(); ++k) drawn[k] = values[resample[k]];
    medians.push_back(Median(drawn));
  }
  return {Quantile(medians, 0.025), Quantile(medians, 0.975)};
}

}  // namespace

std::vector<ExperimentGroup> GroupGames(const Experiment& e) {
  std::vector<ExperimentGroup> groups;
  std::map<std::string, size_t> family_group;
  for (size_t g = 0; g < e.games.size(); ++g) {
    const std::string& family = e.games[g].family;
    if (family.empty()) {
      groups.push_back({e.games[g].label, {static_cast<int>(g)}});
      continue;
    }
    const auto [it, inserted] = family_group.try_emplace(family, groups.size());
    if (inserted) groups.push_back({family, {}});
    groups[it->second].games.push_back(static_cast<int>(g));
  }
  return groups;
}

RunTrace ReadRunTrace(const std::string& path) {
  RunTrace trace;
  std::istringstream lines(ReadTextFile(path));
  std::string line;
  std::getline(lines, line);  // the header: the first player's log-probabilities are log_pi_* or log_x_*
  std::vector<size_t> policy_columns;
  {
    std::istringstream names(line);
    size_t column = 0;
    for (std::string name; std::getline(names, name, ','); ++column) {
      if (name.rfind("log_pi_", 0) == 0 || name.rfind("log_x_", 0) == 0) policy_columns.push_back(column);
    }
  }
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::vector<std::string> values;
    for (std::string field; std::getline(fields, field, ',');) values.push_back(field);
    if (values.size() < 2) continue;
    // strtod, not stod: a subnormal gap (1e-320, reached by exact methods) is a value, not an error.
    const auto number = [](const std::string& text) { return std::strtod(text.c_str(), nullptr); };
    trace.iterations.push_back(std::strtoll(values[0].c_str(), nullptr, 10));
    trace.gaps.push_back(number(values[1]));
    if (!policy_columns.empty()) {
      std::vector<double> log_policy;
      for (size_t column : policy_columns) log_policy.push_back(column < values.size() ? number(values[column]) : NAN);
      trace.log_policy.push_back(std::move(log_policy));
    }
  }
  return trace;
}

std::vector<GroupRun> RunsOf(const Experiment& e, const ExperimentGroup& group, int method,
                             const std::vector<RunRecord>& runs, const std::vector<RunTrace>& traces) {
  std::vector<GroupRun> selected;
  for (size_t k = 0; k < runs.size(); ++k) {
    const RunRecord& r = runs[k];
    if (r.method != method || std::find(group.games.begin(), group.games.end(), r.game) == group.games.end()) continue;
    const std::string who = group.games.size() > 1 ? fmt::format("{} seed {}", e.games[r.game].label, r.seed)
                                                   : fmt::format("seed {}", r.seed);
    selected.push_back({&r, k < traces.size() ? &traces[k] : nullptr, who});
  }
  return selected;
}

std::string BandName(Experiment::Band band) {
  switch (band) {
    case Experiment::Band::kMinMax:
      return "min-max";
    case Experiment::Band::kBootstrap:
      return "bootstrap 95% CI of the median";
    case Experiment::Band::kInterquartile:
      break;
  }
  return "interquartile range";
}

PlotCurve MedianCurve(const std::string& label, const std::vector<const RunTrace*>& traces, Experiment::Band band) {
  // Seeded: the same experiment draws the same figure.
  std::vector<std::vector<size_t>> resamples;
  if (band == Experiment::Band::kBootstrap) {
    Rng rng(0);
    resamples.assign(kBootstrapResamples, std::vector<size_t>(traces.size()));
    for (auto& resample : resamples) {
      for (size_t& index : resample) {
        index = std::min(traces.size() - 1, static_cast<size_t>(rng.Uniform() * static_cast<double>(traces.size())));
      }
    }
  }
  std::vector<std::int64_t> grid;
  for (const RunTrace* trace : traces) grid.insert(grid.end(), trace->iterations.begin(), trace->iterations.end());
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  PlotCurve curve{.label = label, .comment = label};
  std::vector<size_t> at(traces.size(), 0);
  for (const std::int64_t t : grid) {
    std::vector<double> values;
    for (size_t k = 0; k < traces.size(); ++k) {
      const RunTrace& trace = *traces[k];
      while (at[k] + 1 < trace.iterations.size() && trace.iterations[at[k] + 1] <= t) ++at[k];
      if (!trace.iterations.empty() && trace.iterations[at[k]] <= t) values.push_back(trace.gaps[at[k]]);
    }
    if (values.size() < traces.size()) continue;  // before some run's first record
    curve.iterations.push_back(t);
    curve.center.push_back(Median(values));
    if (band == Experiment::Band::kBootstrap) {
      const auto [low, high] = BootstrapInterval(values, resamples);
      curve.low.push_back(low);
      curve.high.push_back(high);
    } else {
      const bool minmax = band == Experiment::Band::kMinMax;
      curve.low.push_back(Quantile(values, minmax ? 0.0 : 0.25));
      curve.high.push_back(Quantile(values, minmax ? 1.0 : 0.75));
    }
  }
  curve.emphasized = label.rfind("omwu", 0) == 0;
  return curve;
}

}  // namespace nlhf::internal
