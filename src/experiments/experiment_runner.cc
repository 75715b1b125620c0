// Running an experiment: every (game, method, seed) run with its record and trace kept on disk as it
// finishes (so --resume can skip it), then the tidy tables, the report and the figures.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "nlhf/error.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/experiments/experiment.h"
#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/io/policy_file.h"
#include "nlhf/random.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/equilibrium_set.h"
#include "nlhf/io/trace_csv.h"
#include "io/json_text.h"

namespace nlhf {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr const char* kMarker = "experiment.json";

ZeroSumGame LoadGame(const ExperimentGame& g) {
  if (!g.file.empty()) {
    MatrixFile file = ReadMatrixFile(g.file);
    return GameFromMatrix(std::move(file.values), {.payoff = g.payoff || file.is_payoff}, file.single_precision,
                          file.row_names, file.column_names, file.source);
  }
  GeneratedGame generated = Generate({.kind = g.generator, .n = g.n, .seed = g.seed});
  return GameFromMatrix(std::move(generated.matrix), {.payoff = generated.is_payoff}, false, generated.names);
}

// What identifies a run's result: if any of it changed, an earlier record is not this run's.
std::string RunConfig(const Experiment& e, const ExperimentGame& game, const ExperimentMethod& method,
                      std::uint64_t seed) {
  nlohmann::json config = {{"game", game.label},       {"file", game.file},
                           {"reference", e.reference_normal ? fmt::format("normal_logits {}", e.reference_seed)
                                                            : e.reference_file},
                           {"method_iterations", method.iterations},
                           {"method", method.label},   {"parameters", method.parameters},
                           {"seed", seed},             {"init", e.random_init ? "random" : "uniform"},
                           {"iterations", e.iterations}, {"trace_every", e.trace_every},
                           {"gap_levels", e.gap_levels}};
  return config.dump();
}

std::string LevelName(double level) { return fmt::format("{:g}", level); }

nlohmann::json RecordJson(const RunRecord& r) {
  return {{"id", r.id},
          {"game", r.game},
          {"method", r.method},
          {"seed", r.seed},
          {"iterations", r.iterations},
          {"final_gap", internal::NumberOrNull(r.final_gap)},
          {"best_gap", internal::NumberOrNull(r.best_gap)},
          {"initial_gap", internal::NumberOrNull(r.initial_gap)},
          {"iterations_to", r.iterations_to},
          {"diverged", r.diverged},
          {"termination", r.termination},
          {"spec", r.spec},
          {"config", r.config}};
}

std::optional<RunRecord> RecordFromJson(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    const auto number = [](const nlohmann::json& v) { return v.is_null() ? kInfinity : v.get<double>(); };
    RunRecord r;
    r.id = j.at("id");
    r.game = j.at("game");
    r.method = j.at("method");
    r.seed = j.at("seed");
    r.iterations = j.at("iterations");
    r.final_gap = number(j.at("final_gap"));
    r.best_gap = number(j.at("best_gap"));
    r.initial_gap = number(j.at("initial_gap"));
    r.iterations_to = j.at("iterations_to").get<std::vector<double>>();
    r.diverged = j.at("diverged");
    r.termination = j.at("termination");
    r.spec = j.at("spec");
    r.config = j.at("config");
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a record from another version, or damaged: the run is redone
  }
}

// The (iteration, gap) pairs of a trace CSV written by FormatTraceCsv.
std::vector<std::pair<std::int64_t, double>> ReadTrace(const std::string& path) {
  std::vector<std::pair<std::int64_t, double>> trace;
  std::istringstream lines(ReadTextFile(path));
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string iteration, gap;
    std::getline(fields, iteration, ',');
    std::getline(fields, gap, ',');
    trace.emplace_back(std::stoll(iteration), std::stod(gap));
  }
  return trace;
}

// log π_ref for `game` (empty: uniform): N(0, 1) logits normalized, one per player (the same seed's
// draws, so a square game's players share one), or the file's.
PlayerVectors ReferenceFor(const Experiment& e, const ZeroSumGame& game) {
  if (!e.reference_file.empty()) return ReadLogPolicyFile(e.reference_file);
  if (!e.reference_normal) return {};
  const auto draw = [&](Eigen::Index n) { return RandomLogPolicy(static_cast<int>(n), e.reference_seed); };
  if (game.symmetric()) return {draw(game.payoff().rows())};
  return {draw(game.payoff().rows()), draw(game.payoff().cols())};
}

// Runs `r`'s (game, method, seed), fills in what it measured and writes its trace to `trace_path`.
void Execute(const Experiment& e, const ZeroSumGame& game, const ExperimentMethod& method, const std::string& trace_path,
             RunRecord& r) {
  const AlgorithmSpec& algorithm = FindAlgorithm(method.algorithm);
  SolveOptions options;
  const std::int64_t iterations = method.iterations > 0 ? method.iterations : e.iterations;
  options.max_iterations = iterations;
  options.gap_tolerance = 0;  // every run goes the full distance, as `nlhf compare`
  options.trace_interval = e.trace_every > 0 ? e.trace_every : std::max<std::int64_t>(1, iterations / 500);
  options.reference_log_policy = ReferenceFor(e, game);
  if (e.random_init) options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = r.seed};
  r.iterations_to.assign(e.gap_levels.size(), -1);
  double best = kInfinity, initial = std::numeric_limits<double>::quiet_NaN();
  // Every iteration's gap is checked (not only the traced ones) for the levels and the best.
  options.callback = [&](const TraceRecord& record) {
    if (std::isnan(initial)) initial = record.duality_gap;
    best = std::min(best, record.duality_gap);
    for (size_t k = 0; k < e.gap_levels.size(); ++k) {
      if (r.iterations_to[k] < 0 && record.duality_gap <= e.gap_levels[k]) r.iterations_to[k] = static_cast<double>(record.iteration);
    }
    return true;
  };
  const ParameterValues values = ResolveParameters(algorithm, ScaledDefaults(algorithm, game, method.parameters));
  SolveResult result = algorithm.solve(game, options, values);
  result.algorithm = SpecString(algorithm, values);
  if (result.trace.empty()) {  // a direct solver: its answer at iteration 0
    best = initial = result.duality_gap;
    for (size_t k = 0; k < e.gap_levels.size(); ++k) r.iterations_to[k] = result.duality_gap <= e.gap_levels[k] ? 0 : -1;
  }
  r.iterations = result.iterations;
  r.final_gap = result.duality_gap;
  r.best_gap = best;
  r.initial_gap = initial;
  r.seconds = result.seconds;
  r.termination = TerminationName(result.termination);
  r.spec = result.algorithm;
  r.diverged = !std::isfinite(result.duality_gap) || result.duality_gap > initial;
  WriteFileAtomically(trace_path, FormatTraceCsv(result, &game));
}

std::string Number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }

// The median of the iterations at which the runs reached a level, never-reached counting as infinite.
double MedianReached(const std::vector<const RunRecord*>& runs, size_t level) {
  std::vector<double> values;
  for (const RunRecord* r : runs) values.push_back(r->iterations_to[level] < 0 ? kInfinity : r->iterations_to[level]);
  return Median(values);
}

// The q-quantile of `values` (linear interpolation between order statistics).
double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

constexpr int kBootstrapResamples = 1000;

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

// Median and a band (Experiment::Band) over the runs of one method on one game, on the traces' common
// grid; a run that stopped early (an exact zero gap) holds its last value, so the median never covers fewer runs.
PlotCurve Curve(const std::string& label, const std::vector<std::vector<std::pair<std::int64_t, double>>>& traces,
                Experiment::Band band) {
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
  for (const auto& trace : traces) {
    for (const auto& [iteration, gap] : trace) grid.push_back(iteration);
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  PlotCurve curve{.label = label, .comment = label};
  std::vector<size_t> at(traces.size(), 0);
  for (const std::int64_t t : grid) {
    std::vector<double> values;
    for (size_t k = 0; k < traces.size(); ++k) {
      const auto& trace = traces[k];
      while (at[k] + 1 < trace.size() && trace[at[k] + 1].first <= t) ++at[k];
      if (!trace.empty() && trace[at[k]].first <= t) values.push_back(trace[at[k]].second);
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

// The figure's panels: one, or one per value of the chosen parameter (methods without it in every panel).
std::vector<PlotPanel> Panels(const Experiment& e, const std::vector<PlotCurve>& curves) {
  if (e.panel_parameter.empty()) return {{"", curves}};
  std::vector<double> values;
  for (const ExperimentMethod& m : e.methods) {
    if (const auto it = m.parameters.find(e.panel_parameter); it != m.parameters.end()) values.push_back(it->second);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<PlotPanel> panels;
  for (const double value : values) {
    PlotPanel panel{fmt::format("{} = {:g}", e.panel_parameter == "step_size" ? "eta" : e.panel_parameter, value), {}};
    for (size_t m = 0; m < e.methods.size(); ++m) {
      const auto it = e.methods[m].parameters.find(e.panel_parameter);
      if (it == e.methods[m].parameters.end() || it->second == value) panel.curves.push_back(curves[m]);
    }
    panels.push_back(std::move(panel));
  }
  return panels;
}

// What the analysis assumes of a game (an equilibrium with full support exists: then OMWU's last iterate
// converges linearly after a burn-in; docs/algorithms.md) and whether this game meets it: an exact
// equilibrium by the default solver, and for symmetric games of at most kAssumptionCheckActions actions
// the largest probability each action has at any equilibrium (FindEquilibriumSet), which is positive for
// every action exactly when a full-support equilibrium exists.
constexpr int kAssumptionCheckActions = 200;

struct GameAssumption {
  std::string text;                  // one sentence for report.md
  std::optional<bool> full_support;  // unset: not determined
};

GameAssumption CheckAssumption(const ZeroSumGame& game) {
  SolveOptions options;
  options.polish = true;
  options.gap_tolerance = 1e-12 * std::max(1e-300, game.payoff_scale());
  options.support_threshold = 1e-9;
  const SolveResult exact = SolveWith(DefaultAlgorithm(game).name, game, options);
  const auto supports = [&] {
    std::vector<std::string> sizes;
    for (int p = 0; p < game.num_players(); ++p) {
      sizes.push_back(fmt::format("{} of {}", exact.support[p].size(), game.num_actions(p)));
    }
    return fmt::format("{}", fmt::join(sizes, " and "));
  };
  GameAssumption assumption;
  const std::string found = fmt::format("An equilibrium ({}, gap {:.2g}{}) plays {} actions", exact.algorithm,
                                        exact.duality_gap, exact.converged() ? "" : ", not certified", supports());
  bool every_action = true;
  for (int p = 0; p < game.num_players(); ++p) {
    every_action = every_action && static_cast<int>(exact.support[p].size()) == game.num_actions(p);
  }
  if (every_action && exact.converged()) assumption.full_support = true;
  if (!assumption.full_support && game.symmetric() && exact.converged() &&
      game.num_actions(0) <= kAssumptionCheckActions) {
    const EquilibriumSet set = FindEquilibriumSet(game.payoff(), exact.policy[0], 1e-9);
    assumption.full_support = set.highest.minCoeff() > 1e-9;
  }
  if (!assumption.full_support.has_value()) {
    assumption.text = found + "; whether some equilibrium has full support was not determined (checked for "
                              "symmetric games of at most 200 actions), so the analysis' assumption may not hold.";
  } else if (*assumption.full_support) {
    assumption.text = found + "; a full-support equilibrium exists: the analysis' assumption holds (the last "
                              "iterate of OMWU converges linearly after a burn-in).";
  } else {
    assumption.text = found + "; no equilibrium has full support: outside the analysis' assumption, a linear "
                              "last-iterate rate is not guaranteed.";
  }
  return assumption;
}

void PrepareFolder(const std::filesystem::path& out, bool resume) {
  namespace fs = std::filesystem;
  if (fs::exists(out)) {
    if (!fs::is_directory(out)) throw InvalidArgument(fmt::format("--out {}: not a folder", out.string()));
    if (!fs::is_empty(out) && !fs::exists(out / kMarker) && !fs::exists(out / "runs")) {
      throw InvalidArgument(fmt::format("--out {}: the folder holds files that are not an nlhf experiment's; choose "
                                        "an empty or new folder", out.string()));
    }
    if (!resume) fs::remove_all(out / "runs");
  }
  fs::create_directories(out / "runs");
}

}  // namespace

ExperimentResult RunExperiment(const Experiment& e, const std::string& out_dir, const RunExperimentOptions& options) {
  namespace fs = std::filesystem;
  const fs::path out(out_dir);
  PrepareFolder(out, options.resume);
  if (e.figures) CheckFigurePath((out / "figure.png").string());

  std::vector<ZeroSumGame> games;
  for (const ExperimentGame& g : e.games) games.push_back(LoadGame(g));

  // The runs in expansion order (game, then method, then seed), each recognised from an earlier
  // invocation's record where --resume allows.
  ExperimentResult result;
  for (size_t g = 0; g < e.games.size(); ++g) {
    for (size_t m = 0; m < e.methods.size(); ++m) {
      for (const std::uint64_t seed : e.seeds) {
        result.runs.push_back({.id = fmt::format("r{:04d}", result.runs.size()), .game = static_cast<int>(g),
                               .method = static_cast<int>(m), .seed = seed,
                               .config = RunConfig(e, e.games[g], e.methods[m], seed)});
      }
    }
  }
  const size_t total = result.runs.size();
  std::vector<char> done(total, 0);
  for (size_t k = 0; k < total; ++k) {
    RunRecord& r = result.runs[k];
    const fs::path record = out / "runs" / (r.id + ".json"), trace = out / "runs" / (r.id + ".csv");
    if (options.resume && fs::exists(record) && fs::exists(trace)) {
      if (std::optional<RunRecord> earlier = RecordFromJson(ReadTextFile(record.string()));
          earlier && earlier->config == r.config && earlier->iterations_to.size() == e.gap_levels.size()) {
        r = *earlier;
        r.seconds = std::numeric_limits<double>::quiet_NaN();
        if (const fs::path time = out / "runs" / (r.id + ".seconds"); fs::exists(time)) {
          r.seconds = std::strtod(ReadTextFile(time.string()).c_str(), nullptr);
        }
        done[k] = 1;
        ++result.resumed;
      }
    }
  }

  // The runs left, over `jobs` threads; the first error stops the rest and is rethrown.
  std::atomic<size_t> next{0};
  std::atomic<int> finished{result.resumed};
  std::mutex mutex;
  std::exception_ptr error;
  const auto worker = [&] {
    for (size_t k = next++; k < total; k = next++) {
      if (done[k]) continue;
      {
        std::lock_guard lock(mutex);
        if (error) return;
      }
      try {
        RunRecord& r = result.runs[k];
        Execute(e, games[r.game], e.methods[r.method], (out / "runs" / (r.id + ".csv")).string(), r);
        WriteFileAtomically((out / "runs" / (r.id + ".seconds")).string(), fmt::format("{}\n", r.seconds));
        WriteFileAtomically((out / "runs" / (r.id + ".json")).string(), RecordJson(r).dump(1) + "\n");
        const int count = ++finished;
        std::lock_guard lock(mutex);
        if (options.progress) options.progress(count, static_cast<int>(total));
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        return;
      }
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(total)));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);

  // runs.csv: one row per run.
  std::string runs_csv = "run,game,method,spec,seed,iterations,final_gap,best_gap,initial_gap";
  for (double level : e.gap_levels) runs_csv += ",iterations_to_" + LevelName(level);
  runs_csv += ",diverged,termination,trace\n";
  for (const RunRecord& r : result.runs) {
    runs_csv += fmt::format("{},{},{},{},{},{},{},{},{}", r.id, CsvField(e.games[r.game].label),
                            e.methods[r.method].algorithm, CsvField(r.spec), r.seed, r.iterations,
                            Number(r.final_gap), Number(r.best_gap), Number(r.initial_gap));
    for (const double reached : r.iterations_to) runs_csv += reached < 0 ? "," : fmt::format(",{:g}", reached);
    runs_csv += fmt::format(",{},{},runs/{}.csv\n", r.diverged ? "true" : "false", r.termination, r.id);
  }
  WriteFileAtomically((out / "runs.csv").string(), runs_csv);

  // summary.csv and report.md: per game and method, over the seeds.
  std::string summary = "game,method,runs,median_final_gap,median_best_gap";
  for (double level : e.gap_levels) {
    summary += fmt::format(",median_iterations_to_{0},runs_reaching_{0}", LevelName(level));
  }
  summary += ",diverged\n";
  std::string report = fmt::format("# Experiment {}\n\nFrom `{}`: {} game(s), {} method configuration(s), {} seed(s), "
                                   "{} iterations each ({} runs). Statistics are over seeds: medians, and how "
                                   "many runs reached each gap level (a run that never reached it counts as "
                                   "infinitely late, so a median can be \"never\" while some runs got there).\n",
                                   e.name, e.source, e.games.size(), e.methods.size(), e.seeds.size(), e.iterations,
                                   result.runs.size());
  std::vector<std::string> notes, verdicts;
  std::vector<GameAssumption> assumptions;
  nlohmann::json summary_json = nlohmann::json::array();
  for (size_t g = 0; g < e.games.size(); ++g) {
    assumptions.push_back(CheckAssumption(games[g]));
    report += fmt::format("\n## {}\n\n{}\n\n| method | final gap | best gap |", e.games[g].label, assumptions[g].text);
    for (double level : e.gap_levels) report += fmt::format(" iterations to {} |", LevelName(level));
    report += " diverged |\n| --- | --- | --- |";
    for (size_t k = 0; k < e.gap_levels.size(); ++k) report += " --- |";
    report += " --- |\n";
    std::vector<PlotCurve> curves;
    for (size_t m = 0; m < e.methods.size(); ++m) {
      std::vector<const RunRecord*> runs;
      for (const RunRecord& r : result.runs) {
        if (r.game == static_cast<int>(g) && r.method == static_cast<int>(m)) runs.push_back(&r);
      }
      std::vector<double> finals, bests;
      int diverged = 0;
      for (const RunRecord* r : runs) {
        finals.push_back(r->final_gap);
        bests.push_back(r->best_gap);
        diverged += r->diverged ? 1 : 0;
      }
      const double final_gap = Median(finals), best_gap = Median(bests);
      const std::string& label = e.methods[m].label;
      summary += fmt::format("{},{},{},{},{}", CsvField(e.games[g].label), CsvField(label), runs.size(),
                             Number(final_gap), Number(best_gap));
      report += fmt::format("| {} | {:.3g} | {:.3g} |", label, final_gap, best_gap);
      nlohmann::json reached = nlohmann::json::object();
      for (size_t k = 0; k < e.gap_levels.size(); ++k) {
        const double median = MedianReached(runs, k);
        const std::string iterations = std::isfinite(median) ? fmt::format("{:g}", std::ceil(median)) : "";
        std::vector<std::string> missing;
        for (const RunRecord* r : runs) {
          if (r->iterations_to[k] < 0) missing.push_back(fmt::format("seed {}", r->seed));
        }
        const int reaching = static_cast<int>(runs.size() - missing.size());
        summary += fmt::format(",{},{}", iterations, reaching);
        report += fmt::format(" {} ({}/{} runs) |", iterations.empty() ? "never" : iterations, reaching, runs.size());
        reached[LevelName(e.gap_levels[k])] = {
            {"median_iterations", std::isfinite(median) ? nlohmann::json(std::ceil(median)) : nlohmann::json()},
            {"runs_reaching", reaching}};
        if (reaching > 0 && !missing.empty()) {
          notes.push_back(fmt::format("{}, {}: {} of {} runs never reached a gap of {} ({})", e.games[g].label, label,
                                      missing.size(), runs.size(), LevelName(e.gap_levels[k]),
                                      fmt::join(missing, ", ")));
        }
      }
      // The claim every last-iterate method makes: the gap reaches the finest level within the budget.
      if (!e.gap_levels.empty() && !runs.empty()) {
        const size_t finest = e.gap_levels.size() - 1;
        std::vector<std::string> failing;
        for (const RunRecord* r : runs) {
          if (r->iterations_to[finest] < 0) failing.push_back(fmt::format("{}", r->seed));
        }
        const std::string claim = fmt::format("{}, {}: the gap reaches {} within the budget", e.games[g].label, label,
                                              LevelName(e.gap_levels[finest]));
        // A β-regularized method converges to the regularized equilibrium, whose gap here stays above 0.
        const std::string expected = e.methods[m].parameters.count("beta") > 0
                                         ? " (expected of a β-regularized method: its gap settles at the bias)"
                                         : "";
        if (failing.empty()) {
          verdicts.push_back(fmt::format("{}: holds in all {} runs", claim, runs.size()));
        } else if (failing.size() == runs.size()) {
          verdicts.push_back(fmt::format("{}: fails in all {} runs{}", claim, runs.size(), expected));
        } else {
          verdicts.push_back(fmt::format("{}: holds in {} of {} runs, fails in {} (seed{} {}){}", claim,
                                         runs.size() - failing.size(), runs.size(), failing.size(),
                                         failing.size() > 1 ? "s" : "", fmt::join(failing, ", "), expected));
        }
      }
      summary += fmt::format(",{}\n", diverged);
      summary_json.push_back({{"game", e.games[g].label}, {"method", label}, {"runs", runs.size()},
                              {"median_final_gap", internal::NumberOrNull(final_gap)},
                              {"median_best_gap", internal::NumberOrNull(best_gap)}, {"levels", reached},
                              {"diverged", diverged}});
      report += fmt::format(" {} |\n", diverged);
      if (diverged > 0) {
        notes.push_back(fmt::format("{}, {}: {} of {} runs diverged (the gap ended above where it started)",
                                    e.games[g].label, label, diverged, runs.size()));
      }
      if (e.figures) {
        std::vector<std::vector<std::pair<std::int64_t, double>>> traces;
        for (const RunRecord* r : runs) traces.push_back(ReadTrace((out / "runs" / (r->id + ".csv")).string()));
        // The legend names every parameter as run (defaults included: step sizes scale with each game).
        curves.push_back(Curve(runs.empty() ? label : runs.front()->spec, traces, e.band));
      }
    }
    if (e.figures) {
      const std::string png = fmt::format("figure_game{}.png", g);
      try {
        const GapFigure figure{.title = fmt::format("{}: median over {} seed(s), band: {}", e.games[g].label,
                                                    e.seeds.size(), BandName(e.band)),
                               .log_x = e.log_x};
        PlotGapPanels(Panels(e, curves), figure, (out / png).string());
        report += fmt::format("\n![{}]({})\n", e.games[g].label, png);
      } catch (const Unavailable& unavailable) {
        notes.push_back(fmt::format("no figure for {}: {}", e.games[g].label, unavailable.what()));
      }
    }
  }
  if (!verdicts.empty()) {
    report += "\n## Verdicts\n\n";
    for (const std::string& verdict : verdicts) report += "- " + verdict + "\n";
  }
  if (!notes.empty()) {
    report += "\n## Notes\n\n";
    for (const std::string& note : notes) report += "- " + note + "\n";
  }
  WriteFileAtomically((out / "summary.csv").string(), summary);
  WriteFileAtomically((out / "summary.json").string(), summary_json.dump(1) + "\n");
  // Times apart, so that every other file is the same whatever the machine's load and --jobs.
  std::string timings = "run,seconds\n";
  for (const RunRecord& r : result.runs) timings += fmt::format("{},{}\n", r.id, Number(r.seconds));
  WriteFileAtomically((out / "timings.csv").string(), timings);
  WriteFileAtomically((out / "report.md").string(), report);

  nlohmann::json games_json = nlohmann::json::array(), methods_json = nlohmann::json::array();
  for (size_t g = 0; g < e.games.size(); ++g) {
    const ExperimentGame& game = e.games[g];
    const std::optional<bool>& full = assumptions[g].full_support;
    games_json.push_back({{"label", game.label}, {"file", game.file}, {"generator", game.generator}, {"n", game.n},
                          {"seed", game.seed},
                          {"full_support_equilibrium", full ? nlohmann::json(*full) : nlohmann::json()}});
  }
  for (const ExperimentMethod& m : e.methods) {
    methods_json.push_back({{"label", m.label}, {"algorithm", m.algorithm}, {"parameters", m.parameters}});
  }
  const nlohmann::json manifest = {{"name", e.name},       {"source", e.source},         {"games", games_json},
                                   {"methods", methods_json}, {"seeds", e.seeds},          {"iterations", e.iterations},
                                   {"init", e.random_init ? "random" : "uniform"},       {"gap_levels", e.gap_levels},
                                   {"runs", result.runs.size()}};
  WriteFileAtomically((out / kMarker).string(), manifest.dump(1) + "\n");
  return result;
}

}  // namespace nlhf
