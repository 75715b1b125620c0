// Running an experiment: every (game, method, seed) run with its record and trace kept on disk as it
// finishes (so --resume can skip it), then the tidy tables, the report and the figures.
#include <fmt/format.h>
#include <fmt/ranges.h>

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
#include "experiments/experiment_internal.h"
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
  GeneratedGame generated = Generate({.kind = g.generator, .n = g.n, .seed = g.seed, .delta = g.delta});
  return GameFromMatrix(std::move(generated.matrix), {.payoff = generated.is_payoff}, false, generated.names);
}

// A sequence game's settings, as the run records and the manifest keep them.
nlohmann::json SequenceJson(const ExperimentSequence& s) {
  return {{"vocab", s.vocab},   {"length", s.length},           {"prompts", s.prompts},
          {"prompt_length", s.prompt_length}, {"oracle", s.oracle}, {"oracle_file", s.oracle_file},
          {"transitivity", s.transitivity}};
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
  // Keys that an older record lacks only where they hold their defaults, so old records stay valid.
  if (e.stop_at > 0) config["stop_at"] = e.stop_at;
  if (!e.initial_logits.empty()) config["initial_logits"] = e.initial_logits;
  if (e.trace_log_policy()) config["trace_log_policy"] = true;
  if (game.delta != 0.01) config["delta"] = game.delta;
  if (game.is_sequence()) config["sequence"] = SequenceJson(game.sequence);
  if (e.neural_run()) {
    const NeuralSettings& n = e.neural;
    config["neural"] = {{"policy", n.policy}, {"feedback", n.feedback}, {"optimizer", n.optimizer}, {"lr", n.learning_rate},
                        {"samples", n.samples}, {"contexts", n.contexts}, {"depth", n.depth}, {"width", n.width}};
    if (n.policy == "transformer") {
      config["neural"]["layers"] = n.layers;
      config["neural"]["heads"] = n.heads;
    }
    if (n.fit_steps != 1) config["neural"]["fit_steps"] = n.fit_steps;
  }
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

// log π_ref for `game` (empty: uniform): N(0, 1) logits normalized, one per player (the same seed's
// draws, so a square game's players share one), or the file's.
PlayerVectors ReferenceFor(const Experiment& e, const ZeroSumGame& game) {
  if (!e.reference_file.empty()) return ReadLogPolicyFile(e.reference_file);
  if (!e.reference_normal) return {};
  const auto draw = [&](Eigen::Index n) { return RandomLogPolicy(static_cast<int>(n), e.reference_seed); };
  if (game.symmetric()) return {draw(game.payoff().rows())};
  return {draw(game.payoff().rows()), draw(game.payoff().cols())};
}

// The start given by init: {logits: [...]}, for every player; its size must be the game's.
PlayerVectors GivenStart(const Experiment& e, const ExperimentGame& label, const ZeroSumGame& game) {
  PlayerVectors start;
  const Eigen::VectorXd logits = Eigen::Map<const Eigen::VectorXd>(e.initial_logits.data(),
                                                                   static_cast<Eigen::Index>(e.initial_logits.size()));
  for (int p = 0; p < (game.symmetric() ? 1 : 2); ++p) {
    if (game.num_actions(p) != logits.size()) {
      throw InvalidArgument(fmt::format("{}: init logits has {} entries, but the game '{}' has {} actions", e.source,
                                        logits.size(), label.label, game.num_actions(p)));
    }
    start.push_back(logits);
  }
  return start;
}

// A neural run through the caller's trainer: the record from its trace (levels at the trace's resolution).
void ExecuteNeural(const Experiment& e, const ExperimentGame& game, const ExperimentMethod& method,
                   const NeuralRunner& train, const std::string& trace_path, RunRecord& r) {
  if (!train) throw Unavailable(fmt::format("{}: policy '{}' needs the neural module (nlhf built with LibTorch)", e.source, e.neural.policy));
  NeuralRunRequest request{.game = &game, .method = &method, .settings = e.neural,
                           .iterations = method.iterations > 0 ? method.iterations : e.iterations,
                           .seed = r.seed, .stop_at = e.stop_at};
  request.log_every = e.trace_every > 0 ? e.trace_every : std::max<std::int64_t>(1, request.iterations / 300);
  if (e.reference_normal) {
    request.reference_normal_seed = e.reference_seed;  // drawn by the trainer, which knows n (a file's too)
  } else if (!e.reference_file.empty()) {
    const PlayerVectors reference = ReadLogPolicyFile(e.reference_file);
    request.reference.assign(reference.front().data(), reference.front().data() + reference.front().size());
  }
  NeuralRunOutcome outcome;
  try {
    outcome = train(request);
  } catch (const InvalidArgument& error) {
    throw InvalidArgument(fmt::format("{}: {}", method.where, error.what()));
  }
  r.iterations_to.assign(e.gap_levels.size(), -1);
  double best = kInfinity;
  for (const auto& [iteration, gap] : outcome.trace) {
    best = std::min(best, gap);
    for (size_t k = 0; k < e.gap_levels.size(); ++k) {
      if (r.iterations_to[k] < 0 && gap <= e.gap_levels[k]) r.iterations_to[k] = static_cast<double>(iteration);
    }
  }
  r.iterations = outcome.iterations;
  r.final_gap = outcome.final_gap;
  r.best_gap = best;
  r.initial_gap = outcome.trace.empty() ? std::numeric_limits<double>::quiet_NaN() : outcome.trace.front().second;
  r.seconds = outcome.seconds;
  r.termination = outcome.termination;
  r.spec = outcome.spec;
  r.diverged = !std::isfinite(r.final_gap) || r.final_gap > r.initial_gap;
  WriteFileAtomically(trace_path, outcome.trace_csv);
}

// Runs `r`'s (game, method, seed), fills in what it measured and writes its trace to `trace_path`.
void Execute(const Experiment& e, const ExperimentGame& label, const ZeroSumGame& game, const ExperimentMethod& method,
             const std::string& trace_path, RunRecord& r) {
  const AlgorithmSpec& algorithm = FindAlgorithm(method.algorithm);
  SolveOptions options;
  const std::int64_t iterations = method.iterations > 0 ? method.iterations : e.iterations;
  options.max_iterations = iterations;
  // Every run goes the full distance, as `nlhf compare`, unless stop_at ends it at that gap.
  options.gap_tolerance = e.stop_at;
  options.trace_interval = e.trace_every > 0 ? e.trace_every : std::max<std::int64_t>(1, iterations / 500);
  options.trace_log_policy = e.trace_log_policy();
  options.reference_log_policy = ReferenceFor(e, game);
  if (e.random_init) options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = r.seed};
  if (!e.initial_logits.empty()) {
    options.initial = {.kind = InitialPolicy::Kind::kGiven, .log_policy = GivenStart(e, label, game)};
  }
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
    PlotPanel panel{fmt::format("{} = {:g}", e.panel_parameter, value), {}};
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
  SolveResult exact = SolveWith(DefaultAlgorithm(game).name, game, options);
  // The default stops at its iteration budget on some games (planted n = 100, seeds 5 and 8: OMWU at gap
  // 2e-4); the interior point method certifies them.
  if (!exact.converged()) exact = SolveWith("ipm", game, options);
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
  std::string undetermined_because;
  if (!assumption.full_support && game.symmetric() && exact.converged() &&
      game.num_actions(0) <= kAssumptionCheckActions) {
    // The report's statement is not worth the experiment: a failed bound leaves the question open.
    try {
      const EquilibriumSet set = FindEquilibriumSet(game.payoff(), exact.policy[0], 1e-9);
      assumption.full_support = set.highest.minCoeff() > 1e-9;
    } catch (const Error& error) {
      undetermined_because = fmt::format(" ({})", error.what());
    }
  }
  if (!assumption.full_support.has_value()) {
    assumption.text = found + "; whether some equilibrium has full support was not determined (checked for "
                              "symmetric games of at most 200 actions" + undetermined_because +
                      "), so the analysis' assumption may not hold.";
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

  // The games as matrices, for the tabular runs and the assumption check. A neural run's file may be a
  // batch of contexts (.jsonl, .npy stack), which the trainer reads itself: no matrix then.
  std::vector<std::optional<ZeroSumGame>> games;
  for (const ExperimentGame& g : e.games) {
    if (g.is_sequence()) {  // built by the trainer (experiment.h)
      games.push_back(std::nullopt);
      continue;
    }
    try {
      games.push_back(LoadGame(g));
    } catch (const Error&) {
      if (!e.neural_run() || g.file.empty()) throw;
      games.push_back(std::nullopt);
    }
  }

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
        const std::string trace = (out / "runs" / (r.id + ".csv")).string();
        if (e.neural_run()) {
          ExecuteNeural(e, e.games[r.game], e.methods[r.method], options.neural, trace, r);
        } else {
          Execute(e, e.games[r.game], *games[r.game], e.methods[r.method], trace, r);
        }
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

  // The traces, read back once where a figure or a claim needs them.
  std::vector<internal::RunTrace> traces;
  if (e.figures || !e.claims.empty()) {
    for (const RunRecord& r : result.runs) traces.push_back(internal::ReadRunTrace((out / "runs" / (r.id + ".csv")).string()));
  }
  const std::vector<internal::ExperimentGroup> groups = internal::GroupGames(e);

  // summary.csv and report.md: per group (a game, or a family of games) and method, over games and seeds.
  std::string summary = "game,method,runs,median_final_gap,median_best_gap";
  for (double level : e.gap_levels) {
    summary += fmt::format(",median_iterations_to_{0},runs_reaching_{0}", LevelName(level));
  }
  summary += ",diverged\n";
  std::string report = fmt::format("# Experiment {}\n\nFrom `{}`: {} game(s), {} method configuration(s), {} seed(s), "
                                   "{} iterations each ({} runs{}). Statistics are over seeds{}: medians, and how "
                                   "many runs reached each gap level (a run that never reached it counts as "
                                   "infinitely late, so a median can be \"never\" while some runs got there).\n",
                                   e.name, e.source, e.games.size(), e.methods.size(), e.seeds.size(), e.iterations,
                                   result.runs.size(), e.stop_at > 0 ? fmt::format(", each stopped once its gap reached {:g}", e.stop_at) : "",
                                   groups.size() < e.games.size() ? " and the games of each family" : "");
  std::vector<std::string> notes, verdicts;
  std::vector<GameAssumption> assumptions;
  for (size_t g = 0; g < e.games.size(); ++g) {
    assumptions.push_back(games[g] ? CheckAssumption(*games[g])
                          : e.games[g].is_sequence()
                              ? GameAssumption{.text = "Sequence games (one per prompt, built by the trainer): the "
                                                       "analysis' assumption (a full-support equilibrium) is checked for "
                                                       "single games only; the gap is exact (docs/neural.md)."}
                              : GameAssumption{.text = "A batch of contexts: the analysis' assumption (a full-support "
                                                       "equilibrium) is checked for single games only."});
  }
  nlohmann::json summary_json = nlohmann::json::array();
  std::vector<PlotPanel> game_panels;  // panels: game
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const internal::ExperimentGroup& group = groups[gi];
    report += fmt::format("\n## {}\n\n", group.label);
    if (group.games.size() == 1) {
      report += assumptions[group.games.front()].text + "\n\n";
    } else {
      // A family: how many of its games meet the assumption, break it, or were not settled (and why).
      int full = 0, outside = 0;
      std::vector<std::string> undetermined;
      for (int g : group.games) {
        const std::optional<bool>& f = assumptions[g].full_support;
        full += f.value_or(false) ? 1 : 0;
        outside += f.has_value() && !*f ? 1 : 0;
        if (!f.has_value()) undetermined.push_back(fmt::format("{}: {}", e.games[g].label, assumptions[g].text));
      }
      report += fmt::format("{} games ({} … {}). The analysis assumes a full-support equilibrium (then OMWU's last "
                            "iterate converges linearly after a burn-in): {} of {} games have one{}{}.\n\n",
                            group.games.size(), e.games[group.games.front()].label, e.games[group.games.back()].label, full,
                            group.games.size(),
                            outside > 0 ? fmt::format("; {} have none, outside the assumption, where a linear last-iterate "
                                                      "rate is not guaranteed", outside)
                                        : "",
                            undetermined.empty() ? "" : fmt::format("; {} not determined", undetermined.size()));
      for (const std::string& why : undetermined) report += fmt::format("- {}\n", why);
      if (!undetermined.empty()) report += "\n";
    }
    report += "| method | final gap | best gap |";
    for (double level : e.gap_levels) report += fmt::format(" iterations to {} |", LevelName(level));
    report += " diverged |\n| --- | --- | --- |";
    for (size_t k = 0; k < e.gap_levels.size(); ++k) report += " --- |";
    report += " --- |\n";
    std::vector<PlotCurve> curves;
    for (size_t m = 0; m < e.methods.size(); ++m) {
      const std::vector<internal::GroupRun> runs = internal::RunsOf(e, group, static_cast<int>(m), result.runs, traces);
      std::vector<double> finals, bests;
      int diverged = 0;
      for (const internal::GroupRun& r : runs) {
        finals.push_back(r.record->final_gap);
        bests.push_back(r.record->best_gap);
        diverged += r.record->diverged ? 1 : 0;
      }
      const double final_gap = Median(finals), best_gap = Median(bests);
      const std::string& label = e.methods[m].label;
      summary += fmt::format("{},{},{},{},{}", CsvField(group.label), CsvField(label), runs.size(),
                             Number(final_gap), Number(best_gap));
      report += fmt::format("| {} | {:.3g} | {:.3g} |", label, final_gap, best_gap);
      nlohmann::json reached = nlohmann::json::object();
      for (size_t k = 0; k < e.gap_levels.size(); ++k) {
        std::vector<double> firsts;
        std::vector<std::string> missing;
        for (const internal::GroupRun& r : runs) {
          firsts.push_back(r.record->iterations_to[k] < 0 ? kInfinity : r.record->iterations_to[k]);
          if (r.record->iterations_to[k] < 0) missing.push_back(r.who);
        }
        const double median = Median(firsts);
        const std::string iterations = std::isfinite(median) ? fmt::format("{:g}", std::ceil(median)) : "";
        const int reaching = static_cast<int>(runs.size() - missing.size());
        summary += fmt::format(",{},{}", iterations, reaching);
        report += fmt::format(" {} ({}/{} runs) |", iterations.empty() ? "never" : iterations, reaching, runs.size());
        reached[LevelName(e.gap_levels[k])] = {
            {"median_iterations", std::isfinite(median) ? nlohmann::json(std::ceil(median)) : nlohmann::json()},
            {"runs_reaching", reaching}};
        if (reaching > 0 && !missing.empty()) {
          notes.push_back(fmt::format("{}, {}: {} of {} runs never reached a gap of {} ({})", group.label, label,
                                      missing.size(), runs.size(), LevelName(e.gap_levels[k]), fmt::join(missing, ", ")));
        }
      }
      // The claim every last-iterate method makes: the gap reaches the finest level within the budget.
      if (!e.gap_levels.empty() && !runs.empty()) {
        const size_t finest = e.gap_levels.size() - 1;
        std::vector<std::string> failing;
        for (const internal::GroupRun& r : runs) {
          if (r.record->iterations_to[finest] < 0) failing.push_back(r.who);
        }
        const std::string claim = fmt::format("{}, {}: the gap reaches {} within the budget", group.label, label,
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
          verdicts.push_back(fmt::format("{}: holds in {} of {} runs, fails in {} ({}){}", claim,
                                         runs.size() - failing.size(), runs.size(), failing.size(),
                                         fmt::join(failing, ", "), expected));
        }
      }
      summary += fmt::format(",{}\n", diverged);
      summary_json.push_back({{"game", group.label}, {"method", label}, {"runs", runs.size()},
                              {"median_final_gap", internal::NumberOrNull(final_gap)},
                              {"median_best_gap", internal::NumberOrNull(best_gap)}, {"levels", reached},
                              {"diverged", diverged}});
      report += fmt::format(" {} |\n", diverged);
      if (diverged > 0) {
        notes.push_back(fmt::format("{}, {}: {} of {} runs diverged (the gap ended above where it started)",
                                    group.label, label, diverged, runs.size()));
      }
      if (e.figures && e.figure_kind == FigureKind::kCurves) {
        std::vector<const internal::RunTrace*> run_traces;
        for (const internal::GroupRun& r : runs) run_traces.push_back(r.trace);
        // The legend names every parameter as run (defaults included: step sizes scale with each game).
        curves.push_back(internal::MedianCurve(runs.empty() ? label : runs.front().record->spec, run_traces, e.band));
      }
    }
    if (!e.figures) continue;
    const std::string png = groups.size() == e.games.size() ? fmt::format("figure_game{}.png", gi)
                                                            : fmt::format("figure_group{}.png", gi);
    try {
      if (e.figure_kind == FigureKind::kCurves && e.panel_parameter == "game") {
        game_panels.push_back({group.label, curves});
      } else if (e.figure_kind == FigureKind::kCurves) {
        const GapFigure figure{.title = fmt::format("{}: median over {} run(s), band: {}", group.label,
                                                    group.games.size() * e.seeds.size(), internal::BandName(e.band)),
                               .log_x = e.log_x};
        PlotGapPanels(Panels(e, curves), figure, (out / png).string());
        report += fmt::format("\n![{}]({})\n", group.label, png);
      } else if (e.figure_kind == FigureKind::kLogPolicy) {
        const std::vector<internal::GroupRun> first = internal::RunsOf(e, group, 0, result.runs, traces);
        if (!first.empty()) {
          internal::DrawLogPolicyFigure(e, fmt::format("{}, {}, {}", group.label, first.front().record->spec, first.front().who),
                                        *first.front().trace, (out / png).string());
          report += fmt::format("\n![{}]({})\n", group.label, png);
        }
      }
    } catch (const Unavailable& unavailable) {
      notes.push_back(fmt::format("no figure for {}: {}", group.label, unavailable.what()));
    }
  }
  // The figures that cover every group at once.
  if (e.figures) {
    try {
      if (!game_panels.empty()) {
        PlotGapPanels(game_panels,
                      {.title = fmt::format("{}: median over each group's runs, band: {}", e.name, internal::BandName(e.band)),
                       .log_x = e.log_x},
                      (out / "figure.png").string());
        report += "\n![all groups](figure.png)\n";
      } else if (e.figure_kind == FigureKind::kFinalGap || e.figure_kind == FigureKind::kIterations) {
        internal::DrawParameterFigure(e, groups, result.runs, (out / "figure.png").string());
        report += "\n![against the parameter](figure.png)\n";
      }
    } catch (const Unavailable& unavailable) {
      notes.push_back(fmt::format("no figure: {}", unavailable.what()));
    }
  }
  for (const ExperimentClaim& claim : e.claims) {
    for (const internal::ExperimentGroup& group : groups) {
      for (ClaimVerdict& verdict : internal::JudgeClaim(e, claim, group, result.runs, traces)) {
        result.claims.push_back(std::move(verdict));
      }
    }
  }
  if (!result.claims.empty()) {
    report += "\n## Claims\n\nEach judged on the medians of its group and counted run by run.\n\n";
    for (const ClaimVerdict& v : result.claims) {
      report += FormatClaimVerdict(v);
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
                          {"seed", game.seed}, {"family", game.family},
                          {"full_support_equilibrium", full ? nlohmann::json(*full) : nlohmann::json()}});
    if (game.is_sequence()) games_json.back()["sequence"] = SequenceJson(game.sequence);
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
