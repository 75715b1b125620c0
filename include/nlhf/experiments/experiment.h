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
#include <string>
#include <vector>

#include "nlhf/registry.h"

namespace nlhf {

// One game of the experiment after grid expansion: a file, or a generator with its n and seed.
struct ExperimentGame {
  std::string label;      // e.g. "soccer", "random(n=30, seed=1)"
  std::string file;       // a matrix file; empty for a generator
  std::string generator;  // a GeneratorKinds() name; empty for a file
  int n = 0;
  std::uint64_t seed = 0;
  bool payoff = false;    // the file holds a payoff matrix (row player maximizes)
};

// One method after grid expansion: a registry algorithm and the parameters given for it (the rest take
// the registry's defaults, scaled to each game as `nlhf solve` scales them).
struct ExperimentMethod {
  std::string algorithm;
  ParameterValues parameters;
  std::int64_t iterations = 0;  // this method's own budget (0: the experiment's)
  std::string label;  // "omwu(step_size=0.1)": what was varied is visible in tables and legends
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
  std::int64_t iterations = 2000;
  std::int64_t trace_every = 0;            // 0: about 500 points per trace
  std::vector<double> gap_levels = {1e-3, 1e-6, 1e-9};
  bool figures = true;
  // How the figures are drawn (figure: in the file).
  bool log_x = false;         // x: log — a log–log plot (sublinear rates are lines)
  // band: around each median, the interquartile range (iqr), the range (minmax), or a bootstrap 95%
  // interval of the median (bootstrap: 1,000 resamples of the runs, seeded, the same for every point).
  enum class Band { kInterquartile, kMinMax, kBootstrap };
  Band band = Band::kInterquartile;
  std::string panel_parameter;  // panels: NAME — one panel per value of that method parameter
};

// Reads an experiment from YAML text (`path` names it in messages), after applying `overrides`
// ("key=value", a dotted path into the document: "iterations=500", "methods.0.eta=[0.1, 1]"). Unknown
// keys, wrong types, unknown algorithms or parameters and impossible combinations throw InvalidArgument
// naming the file, the line and column, and the key.
Experiment ParseExperiment(const std::string& yaml, const std::string& path,
                           const std::vector<std::string>& overrides = {});

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
  std::string spec;                   // every parameter as run, e.g. "mwu(step_size=0.1)"
  std::string config;                 // what the run was, for --resume to recognise it
};

struct RunExperimentOptions {
  int jobs = 1;
  bool resume = false;
  std::function<void(int done, int total)> progress;
};

struct ExperimentResult {
  std::vector<RunRecord> runs;
  int resumed = 0;  // runs taken from an earlier invocation's records
};

// Runs every run of `experiment` into `out_dir`: runs/<id>.json and runs/<id>.csv (record and trace),
// then runs.csv, summary.csv, report.md, experiment.json and one figure per game. An existing `out_dir`
// must be empty or hold an earlier experiment.json (InvalidArgument otherwise).
ExperimentResult RunExperiment(const Experiment& experiment, const std::string& out_dir,
                               const RunExperimentOptions& options);

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_EXPERIMENT_H_
