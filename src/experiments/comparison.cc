#include "nlhf/experiments/comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "nlhf/error.h"
#include "nlhf/resources.h"
#include "io/json_text.h"

namespace nlhf {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Plan {
  const AlgorithmSpec* algorithm;
  ParameterValues given;   // as the user gave them; defaults are completed per game (ScaledDefaults)
  ParameterValues values;  // resolved with the unscaled defaults: checked before anything runs
};

std::vector<Plan> MakePlans(const ComparisonOptions& options) {
  if (options.algorithms.empty()) throw InvalidArgument("compare: no algorithms given");
  if (options.iterations < 1) {
    throw InvalidArgument(fmt::format("compare: iterations = {}. Violated constraint: iterations >= 1",
                                      options.iterations));
  }
  if (options.seeds < 1) {
    throw InvalidArgument(fmt::format("compare: seeds = {}. Violated constraint: seeds >= 1", options.seeds));
  }
  for (const auto& [name, values] : options.parameters) {
    if (std::find(options.algorithms.begin(), options.algorithms.end(), name) == options.algorithms.end()) {
      throw InvalidArgument(fmt::format("compare: parameters given for '{}', which is not being compared", name));
    }
  }
  std::vector<Plan> plans;
  for (size_t k = 0; k < options.algorithms.size(); ++k) {
    const std::string& name = options.algorithms[k];
    if (std::find(options.algorithms.begin(), options.algorithms.begin() + static_cast<std::ptrdiff_t>(k), name) !=
        options.algorithms.begin() + static_cast<std::ptrdiff_t>(k)) {
      throw InvalidArgument(fmt::format("compare: '{}' is listed twice: its runs would repeat and its traces overwrite "
                                        "each other (nlhf run sweeps one method's parameters)", name));
    }
    const AlgorithmSpec& algorithm = FindAlgorithm(name);
    ParameterValues given;
    for (const auto& [parameter, value] : options.common_parameters) {
      for (const auto& spec : algorithm.parameters) {
        if (spec.name == parameter) given[parameter] = value;
      }
    }
    if (const auto it = options.parameters.find(name); it != options.parameters.end()) {
      for (const auto& [parameter, value] : it->second) given[parameter] = value;
    }
    plans.push_back({&algorithm, given, ResolveParameters(algorithm, given)});
  }
  return plans;
}

GapCurve Aggregate(const std::vector<SolveResult>& runs, std::int64_t iterations) {
  GapCurve curve;
  // Direct solvers have no trace: their answer is drawn as a constant over the whole range.
  std::vector<std::vector<TraceRecord>> traces;
  for (const SolveResult& run : runs) {
    traces.push_back(run.trace.empty() ? std::vector<TraceRecord>{{.iteration = 0, .duality_gap = run.duality_gap},
                                                                  {.iteration = iterations,
                                                                   .duality_gap = run.duality_gap}}
                                       : run.trace);
  }
  std::vector<std::int64_t> grid;
  for (const auto& trace : traces) {
    for (const auto& record : trace) grid.push_back(record.iteration);
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  // A run that stopped early (an exact zero gap ends the loop) holds its last value: every point's median
  // covers every run, so one run's end cannot make the curve jump.
  std::vector<size_t> at(traces.size(), 0);
  for (std::int64_t t : grid) {
    std::vector<double> values;
    for (size_t k = 0; k < traces.size(); ++k) {
      const auto& trace = traces[k];
      while (at[k] + 1 < trace.size() && trace[at[k] + 1].iteration <= t) ++at[k];
      if (trace[at[k]].iteration <= t) values.push_back(trace[at[k]].duality_gap);
    }
    if (values.size() < traces.size()) continue;  // before some run's first record
    curve.iterations.push_back(t);
    curve.median.push_back(Median(values));
    curve.minimum.push_back(*std::min_element(values.begin(), values.end()));
    curve.maximum.push_back(*std::max_element(values.begin(), values.end()));
  }
  return curve;
}

std::string LevelKey(double level) {
  const double exponent = std::round(std::log10(level));
  if (std::abs(level - std::pow(10.0, exponent)) <= 1e-12 * level) {
    return fmt::format("1e{}", static_cast<int>(exponent));
  }
  return fmt::format("{:g}", level);
}

}  // namespace

double Median(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}

void SetMedians(const RunMeasurements& measurements, MethodSummary& summary) {
  summary.run_count = static_cast<int>(measurements.finals.size());
  summary.final_gap = Median(measurements.finals);
  summary.best_gap = Median(measurements.bests);
  summary.final_regularized_gap = Median(measurements.regularized);
  summary.seconds = Median(measurements.seconds);
  for (const auto& [level, iterations] : measurements.reached) {
    summary.runs_reaching[level] =
        static_cast<int>(std::count_if(iterations.begin(), iterations.end(), [](double v) { return std::isfinite(v); }));
    const double median = Median(iterations);
    summary.iterations_to[level] =
        std::isfinite(median) ? std::optional<std::int64_t>(static_cast<std::int64_t>(std::ceil(median))) : std::nullopt;
  }
}

std::vector<MethodSummary> RunComparison(const std::function<ZeroSumGame(int seed)>& game_for_seed,
                                         const ComparisonOptions& options) {
  const std::vector<Plan> plans = MakePlans(options);
  const std::int64_t trace_interval =
      options.trace_interval > 0 ? options.trace_interval : std::max<std::int64_t>(1, options.iterations / 500);
  std::vector<ZeroSumGame> games = {game_for_seed(0)};
  // Held until the end: every seed's game and every run's trace (records, then their CSV text).
  const double game_bytes = 16.0 * static_cast<double>(games[0].payoff().size() + 8 * games[0].payoff().rows());
  const double records = static_cast<double>(std::min(options.iterations, options.iterations / trace_interval + 2));
  RequireMemory(fmt::format("compare --seeds {} with {} method(s) and --iters {}", options.seeds, plans.size(),
                            options.iterations),
                options.seeds * (game_bytes + static_cast<double>(plans.size()) * records * 200.0));
  for (int seed = 1; seed < options.seeds; ++seed) games.push_back(game_for_seed(seed));

  std::vector<MethodSummary> summaries;
  int done = 0;
  const int total = static_cast<int>(plans.size()) * options.seeds;
  for (const Plan& plan : plans) {
    MethodSummary summary;
    summary.name = plan.algorithm->name;
    summary.spec = SpecString(*plan.algorithm, plan.values);
    RunMeasurements measured;
    for (int seed = 0; seed < options.seeds; ++seed) {
      if (options.progress) options.progress(done, total, fmt::format("{} seed {}", summary.name, seed));
      SolveOptions solve_options;
      solve_options.max_iterations = options.iterations;
      solve_options.gap_tolerance = 0;
      solve_options.trace_interval = trace_interval;
      solve_options.reference_log_policy = options.reference_log_policy;
      if (options.random_initial_policy) {
        solve_options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = static_cast<std::uint64_t>(seed)};
      }
      std::map<double, double> first;
      for (double level : options.gap_levels) first[level] = kInfinity;
      double best = kInfinity;
      solve_options.callback = [&](const TraceRecord& record) {
        best = std::min(best, record.duality_gap);
        for (auto& [level, iteration] : first) {
          if (std::isinf(iteration) && record.duality_gap <= level) iteration = static_cast<double>(record.iteration);
        }
        return true;
      };
      // Step sizes default to the scale of each game's payoffs, as in SolveWith.
      const ParameterValues values =
          ResolveParameters(*plan.algorithm, ScaledDefaults(*plan.algorithm, games[seed], plan.given));
      if (seed == 0) summary.spec = SpecString(*plan.algorithm, values);
      SolveResult run = plan.algorithm->solve(games[seed], solve_options, values);
      run.algorithm = SpecString(*plan.algorithm, values);
      if (run.trace.empty()) {  // direct solvers: the callback never ran
        best = run.duality_gap;
        for (auto& [level, iteration] : first) iteration = run.duality_gap <= level ? 0 : kInfinity;
      }
      for (const auto& [level, iteration] : first) measured.reached[level].push_back(iteration);
      measured.finals.push_back(run.duality_gap);
      measured.bests.push_back(best);
      measured.regularized.push_back(run.regularized_gap);
      measured.seconds.push_back(run.seconds);
      summary.runs.push_back(std::move(run));
      ++done;
    }
    SetMedians(measured, summary);
    summary.curve = Aggregate(summary.runs, options.iterations);
    summaries.push_back(std::move(summary));
  }
  if (options.progress) options.progress(done, total, "done");
  return summaries;
}

std::string ComparisonSummaryJson(const std::vector<MethodSummary>& methods, const ComparisonOptions& options) {
  nlohmann::json list = nlohmann::json::array();
  for (const MethodSummary& m : methods) {
    nlohmann::json levels = nlohmann::json::object();
    for (const auto& [level, iteration] : m.iterations_to) {
      levels[LevelKey(level)] = iteration ? nlohmann::json(*iteration) : nlohmann::json();
    }
    list.push_back({{"name", m.name},
                    {"spec", m.spec},
                    {"final_gap", internal::NumberOrNull(m.final_gap)},
                    {"best_gap", internal::NumberOrNull(m.best_gap)},
                    {"final_regularized_gap", internal::NumberOrNull(m.final_regularized_gap)},
                    {"iterations_to", levels},
                    {"seconds", m.seconds}});
  }
  nlohmann::json document = {{"iterations", options.iterations},
                             {"seeds", options.seeds},
                             {"statistic", "median over seeds"},
                             {"methods", list}};
  return document.dump(1) + "\n";
}

std::vector<PlotCurve> PlotCurves(const std::vector<MethodSummary>& methods) {
  std::vector<PlotCurve> curves;
  for (const MethodSummary& m : methods) {
    PlotCurve curve{.label = m.name,
                    .comment = m.spec,
                    .iterations = m.curve.iterations,
                    .center = m.curve.median,
                    .low = m.curve.minimum,
                    .high = m.curve.maximum,
                    .emphasized = m.name == "omwu"};
    if (!m.runs.empty() && m.runs[0].returns_average) curve.label += " (average)";
    if (!m.runs.empty() && m.runs[0].trace.empty()) curve.label += " (exact)";
    curves.push_back(std::move(curve));
  }
  return curves;
}

PlotPanel ToPlotPanel(const MethodPanel& panel) { return {panel.title, PlotCurves(panel.methods)}; }

}  // namespace nlhf
