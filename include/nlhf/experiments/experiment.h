// Experiments as files: `nlhf run EXPERIMENT.yaml`. A YAML file names games (files or seeded
// generators), methods with their parameters, grids over any of them, seeds, iterations and the gap
// levels to report; the engine expands the grids into runs (game × method × seed), runs them (in
// parallel with --jobs), keeps one record and one trace per run (so --resume skips what is done), and
// writes a tidy table of runs, a summary per game and method, a report and figures. docs/experiments.md
// documents the schema with one worked example per feature.
#ifndef NLHF_EXPERIMENTS_EXPERIMENT_H_
#define NLHF_EXPERIMENTS_EXPERIMENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/registry.h"

namespace nlhf {

// A game over token sequences (sequence: in a game entry): the settings of `nlhf train --vocab`
// (docs/neural.md), one game per prompt; the game's seed seeds the prompts and the gpm oracle. Neural
// runs only: the matrices are built by the LibTorch module.
struct ExperimentSequence {
  int vocab = 0;  // 0: not a sequence game
  int length = 4;
  int prompts = 1, prompt_length = 2;
  std::string oracle = "gpm", oracle_file;
  double transitivity = 0.5;
};

// One game of the experiment after grid expansion: a file, a generator with its n and seed, or sequences.
struct ExperimentGame {
  std::string label;      // e.g. "soccer", "random(n=30, seed=1)"
  std::string file;       // a matrix file; empty for a generator
  std::string generator;  // a GeneratorKinds() name; empty for a file
  int n = 0;
  std::uint64_t seed = 0;
  double delta = 0.01;    // hard2x2's δ
  bool payoff = false;    // the file holds a payoff matrix (row player maximizes)
  // family: NAME — the games of one family pool into one group in the summaries, figures and claims
  // (statistics over games × seeds, as the paper's "10 random games"); empty: the game is its own group.
  std::string family;
  ExperimentSequence sequence;
  bool is_sequence() const { return sequence.vocab > 0; }
};

// One method after grid expansion: a registry algorithm and the parameters given for it (the rest take
// the registry's defaults, scaled to each game as `nlhf solve` scales them).
struct ExperimentMethod {
  std::string algorithm;
  ParameterValues parameters;
  std::int64_t iterations = 0;  // this method's own budget (0: the experiment's)
  std::string label;  // "omwu(eta=0.1)": what was varied is visible in tables and legends
  std::string where;  // "file.yaml:12:5": where it was listed, for errors found later
};

// A claim the experiment checks on what it measured (claims: in the file). Each is judged on the
// medians of its group (a game, or a family of games) and counted run by run (game × seed), so that a
// verdict says how many runs fail and which.
struct ExperimentClaim {
  enum class Kind {
    kEndsBelow,       // ends_below: METHOD, than: [METHODS], factor: F — final gap × F below each other's
    kLinearRate,      // linear_rate: METHOD — after burn-in the gap falls linearly (FittedLinearRate < 1)
    kConverges,       // converges: METHOD, factor: F — final gap at most the initial gap / F
    kStaysAbove,      // stays_above: METHOD, level: L — final gap above L (it does not converge)
    kGrowsWith,       // grows_with: PARAMETER, methods: [ALGOS] — final gap increases with the parameter
    kLogProbability,  // log_probability: METHOD, action: K, dips_below: D, ends_above: E — an action whose
                      // probability falls to exp(D) and recovers (needs the traced log-policy)
  };
  Kind kind = Kind::kEndsBelow;
  std::string method;               // a method's algorithm name or label
  std::vector<std::string> others;  // than: / methods:
  std::string parameter;            // grows_with
  double factor = 1, level = 0, dips_below = 0, ends_above = 0;
  int action = 0;
  std::string where;
};

// What a figure shows (figure: in the file).
enum class FigureKind {
  kCurves,      // gap against iteration: each configuration's median with a band (the default)
  kFinalGap,    // the median final gap against a method parameter (over:), one line per group and algorithm
  kIterations,  // the median iterations to the finest gap level against a method parameter (over:)
  kLogPolicy,   // each action's log-probability against iteration, gap on the right axis (the first run)
};

// The training settings of neural policies (policy: mlp, contextual, tabular-logits, transformer; train:
// in the file). The methods' own settings (eta, beta, lr, samples) are method parameters, so they grid.
struct NeuralSettings {
  // "mlp", "contextual", "tabular" (a network of logits), "transformer" (sequence games); empty: the
  // tabular solvers.
  std::string policy;
  std::string feedback = "exact";  // or "sampled"
  std::string optimizer = "sgd";
  double learning_rate = 0;        // 0: as `nlhf train`, 1, or 0.01 for contextual or sampled feedback
  int samples = 100;
  int contexts = 1;
  int depth = 3, width = 10;  // width: 16 for the transformer unless given
  int layers = 2, heads = 2;  // the transformer's
  int fit_steps = 1;          // optimizer steps per iteration toward the same target
};

struct Experiment {
  std::string name;
  std::string source;  // the YAML file
  std::vector<ExperimentGame> games;
  std::vector<ExperimentMethod> methods;
  std::vector<std::uint64_t> seeds = {0};  // each run's start: seed k of a random start (init: random)
  bool random_init = false;
  // π_ref of the regularized methods: uniform; logits drawn from N(0, 1) with `reference_seed` (the EGPO
  // simulation's reference policy), one per player sized to each game; or a JSON log-policy file.
  bool reference_normal = false;
  std::uint64_t reference_seed = 0;
  std::string reference_file;
  std::vector<double> initial_logits;  // init: {logits: [...]}: the start's log-weights (each player)
  std::int64_t iterations = 2000;
  std::int64_t trace_every = 0;            // 0: about 500 points per trace
  double stop_at = 0;                      // a run stops once its gap is at or below this (0: never)
  std::vector<double> gap_levels = {1e-3, 1e-6, 1e-9};
  bool figures = true;
  // How the figures are drawn (figure: in the file).
  bool log_x = false;         // x: log — a log–log plot (sublinear rates are lines)
  // band: around each median, the interquartile range (iqr), the range (minmax), or a bootstrap 95%
  // interval of the median (bootstrap: 1,000 resamples of the runs, seeded, the same for every point).
  enum class Band { kInterquartile, kMinMax, kBootstrap };
  Band band = Band::kInterquartile;
  std::string panel_parameter;  // panels: NAME — one panel per value of that method parameter; "game": one per group
  FigureKind figure_kind = FigureKind::kCurves;
  std::string figure_over;      // over: NAME — the x axis of kFinalGap and kIterations
  std::vector<ExperimentClaim> claims;
  NeuralSettings neural;        // neural.policy empty: tabular solvers
  bool neural_run() const { return !neural.policy.empty(); }
  // The traces keep every action's log-probability (a log_probability claim or figure needs them).
  bool trace_log_policy() const;
};

// Reads an experiment from YAML text (`path` names it in messages), after applying `overrides`
// ("key=value", a dotted path into the document: "iterations=500", "methods.0.eta=[0.1, 1]"); `quick`
// applies the file's own quick: overrides first. Unknown keys, wrong types, unknown algorithms or
// parameters and impossible combinations throw InvalidArgument naming the file, the line and column, and
// the key. Integer axes (n, seed) also take a range "A..B" (both included).
Experiment ParseExperiment(const std::string& yaml, const std::string& path,
                           const std::vector<std::string>& overrides = {}, bool quick = false);

// What one run measured.
struct RunRecord {
  std::string id;  // "r0003": its place in the expansion order
  int game = 0, method = 0;
  std::uint64_t seed = 0;
  std::int64_t iterations = 0;  // done
  double final_gap = 0, best_gap = 0, initial_gap = 0, seconds = 0;
  std::vector<double> iterations_to;  // per gap level: the first iteration at or below it; -1: never
  bool diverged = false;              // the gap ended non-finite or above where it started
  std::string termination;
  std::string spec;                   // every parameter as run, e.g. "mwu(eta=0.1)"
  std::string config;                 // what the run was, for --resume to recognise it
};

// One neural training run of an experiment (policy: in the file), for the caller's trainer: this library
// does not link LibTorch, `nlhf run` passes the neural module's.
struct NeuralRunRequest {
  const ExperimentGame* game = nullptr;
  const ExperimentMethod* method = nullptr;
  NeuralSettings settings;
  std::int64_t iterations = 0, log_every = 1;
  std::uint64_t seed = 0;          // the network's initial weights and every sampled comparison
  std::vector<double> reference;   // log π_ref from a file (empty: uniform, or drawn as below)
  std::optional<std::uint64_t> reference_normal_seed;  // N(0, 1) logits over the game's responses (RandomLogPolicy)
  double stop_at = 0;
};
struct NeuralRunOutcome {
  std::vector<std::pair<std::int64_t, double>> trace;  // (iteration, mean exact gap over contexts)
  std::string trace_csv;                                // the trainer's own trace CSV
  std::int64_t iterations = 0;
  double final_gap = 0, seconds = 0;
  std::string termination, spec;
};
using NeuralRunner = std::function<NeuralRunOutcome(const NeuralRunRequest&)>;

struct RunExperimentOptions {
  int jobs = 1;
  bool resume = false;
  std::function<void(int done, int total)> progress;
  NeuralRunner neural;  // required by experiments with a neural policy (Unavailable without it)
};

// A claim's verdict: judged on the group's medians, and counted run by run.
struct ClaimVerdict {
  std::string text;      // the claim and the numbers behind it
  bool supported = false;  // on the medians
  int runs = 0, failing_runs = 0;
  std::vector<std::string> failing;  // "seed 3" or "random(n=10, seed=4) seed 0"
};

// "- **supported** — TEXT; holds in 9 of 10 runs, fails in 1 (seed 3)": one Markdown list item.
std::string FormatClaimVerdict(const ClaimVerdict& verdict);

struct ExperimentResult {
  std::vector<RunRecord> runs;
  int resumed = 0;  // runs taken from an earlier invocation's records
  std::vector<ClaimVerdict> claims;  // of the file's claims:, in order, per group
};

// Runs every run of `experiment` into `out_dir`: runs/<id>.json and runs/<id>.csv (record and trace),
// then runs.csv, summary.csv, report.md, experiment.json and one figure per game. An existing `out_dir`
// must be empty or hold an earlier experiment.json (InvalidArgument otherwise).
ExperimentResult RunExperiment(const Experiment& experiment, const std::string& out_dir,
                               const RunExperimentOptions& options);

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_EXPERIMENT_H_
