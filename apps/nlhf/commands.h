// The subcommands of `nlhf`. Each has an args struct, a Setup that adds its flags to a CLI11 command,
// and a Run that calls the library and formats the result (returning the exit code).
#ifndef NLHF_APPS_COMMANDS_H_
#define NLHF_APPS_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.h"
#include "nlhf/ranking/rank.h"

namespace nlhf::cli {

struct SolveArgs {
  CommonArgs common;
  std::string file;
  std::string algorithm;  // empty: DefaultAlgorithm, or omwu when method parameters are given
  std::optional<double> step_size;
  std::vector<std::string> parameters;  // KEY=VALUE
  std::int64_t max_iterations = 1000000;
  double gap_tolerance = 1e-9;
  double max_time_in_seconds = 0;  // 0: no limit
  std::string init = "uniform";
  std::string reference;  // JSON log-probabilities of π_ref; empty: uniform
  MatrixGameOptions game_file;
  std::string trace_path;
  std::int64_t trace_every = 1;
  bool trace_policy = false;
  double support_threshold = 1e-6;
  bool polish = true;
  std::string storage = "f64";
  std::string layout;  // empty: by size
  bool matrix_free = false;  // hold the game only as its operator, read straight from the .npy
};
void SetupSolve(CLI::App& command, SolveArgs& args);
int RunSolve(const SolveArgs& args);

struct CompareArgs {
  CommonArgs common;
  std::string file;
  MatrixGameOptions game_file;
  std::string generate;  // a generator kind instead of FILE
  int n = 10;
  double delta = 0.01;
  std::string algorithms = "all";
  std::int64_t iterations = 20000;
  int seeds = 1;
  std::string init = "uniform";
  std::vector<std::string> parameters;  // [ALGO:]NAME=VALUE
  std::optional<double> eta;             // the step size of every method that has one
  std::string reference;                 // JSON log-probabilities of π_ref; empty: uniform
  std::string out = "nlhf-compare";
};
void SetupCompare(CLI::App& command, CompareArgs& args);
int RunCompare(const CompareArgs& args, const std::string& command_line);

struct RunArgs {
  std::string file;
  std::string out;                    // default: results/<experiment name>
  std::vector<std::string> overrides;  // --set KEY=VALUE
  int jobs = 1;
  bool resume = false;
  bool dry_run = false;
  bool quick = false;
};
void SetupRun(CLI::App& command, RunArgs& args);
int RunRun(const RunArgs& args);

struct RankArgs {
  CommonArgs common;
  std::string file;
  std::string format;
  std::string model_a_column, model_b_column, winner_column;  // empty: the readers' defaults
  std::string model_column, score_column;                      // judgments; empty: the defaults
  std::vector<std::string> item_columns;
  std::string context_column;
  std::string weight_column;
  std::string cluster_column;
  std::string anchor;               // MODEL=RATING
  std::string restrict_to;          // "connected" or empty
  std::string fill;                 // "bt" or empty
  std::string html;
  std::vector<double> score_range;  // LO,HI
  bool per_context = false;
  bool transpose = false;
  double prior = 0;
  double bt_prior = kDefaultBtPriorSd;  // Elo points; 0: none
  int bootstrap = 0;
  std::string csv;
};
void SetupRank(CLI::App& command, RankArgs& args);
int RunRank(const RankArgs& args);

struct BatchArgs {
  CommonArgs common;
  std::string file;
  std::string algorithm;  // empty: chosen by each game's size, as `nlhf solve` chooses
  std::optional<double> step_size;
  std::int64_t max_iterations = 20000;
  double gap_tolerance = 1e-9;
  bool polish = true;
  std::string out;
  std::string out_dir;  // --out-dir: one part file per rank and a manifest (batch_parts.h)
  std::string device = "cpu";  // --device cuda: batch_on_device.h
};
void SetupBatch(CLI::App& command, BatchArgs& args);
int RunBatch(const BatchArgs& args);

struct ReproduceArgs {
  bool quick = false;
  std::string out = "nlhf-reproduce";
  int seeds = 0;
  int jobs = 0;
  bool list = false;
};
void SetupReproduce(CLI::App& command, ReproduceArgs& args);
int RunReproduce(const ReproduceArgs& args, const std::string& command_line);

struct BenchArgs {
  CommonArgs common;
  int n = 1000;
  std::int64_t iterations = 100;
  std::string storage = "f64";
  std::string layout;
  int batch = 1;
  int repeats = 5;
  bool exact = false;  // time the exact solvers instead of OMWU iterations
  std::string algorithms = "ipm,pdhg,lp,clp,clp-barrier";
  int games = 1;
  double time_limit = 600;
  double gap_tolerance = 1e-9;
};
void SetupBench(CLI::App& command, BenchArgs& args);
int RunBench(const BenchArgs& args);

struct GenerateArgs {
  CommonArgs common;
  std::string kind;
  int n = 10;
  double delta = 0.01;
  std::string out;
  int count = 1;  // games with seeds seed, seed + 1, ...: JSON Lines for `nlhf batch`
};
void SetupGenerate(CLI::App& command, GenerateArgs& args);
int RunGenerate(const GenerateArgs& args);

// Runs through the neural plugin (neural_plugin.h), which needs LibTorch.
struct TrainArgs {
  CommonArgs common;
  std::string game;
  std::string generate;
  int n = 100;
  int contexts = 1;
  std::string policy = "mlp";
  int depth = 3;
  std::optional<int> width;  // 10 for the MLPs, 16 for the transformer
  int layers = 2;
  int heads = 2;
  // Sequence games (--vocab): responses are token strings, preferences come from an oracle.
  std::optional<int> vocab;
  int length = 4;
  int prompts = 1;
  int prompt_length = 2;
  std::string oracle = "gpm";
  std::string oracle_file;
  double transitivity = 0.5;
  bool estimate_gap = false;  // --estimate-gap (sequence games)
  std::string algorithm = "omwu";
  std::int64_t iterations = 1000;
  std::optional<double> learning_rate;  // neural::DefaultLearningRate(policy) when unset
  std::optional<double> step_size;
  std::optional<double> beta;
  std::string reference;  // --reference: a JSON log-policy file, or normal:SEED
  std::string optimizer = "sgd";
  int fit_steps = 1;
  std::string feedback = "exact";
  std::optional<int> samples;  // 100 when unset
  std::string device = "cpu";
  int seeds = 1;  // --seeds: training seeds seed, seed+1, ... on the same games
  int threads = 1;
  std::string backend = "auto";
  std::int64_t log_every = 1;
  std::string trace_path;
  std::string plot_path;
  std::string checkpoint_directory;
  std::int64_t checkpoint_every = 0;
  std::string resume_directory;
  // Data-parallel training (docs/scale-out.md): this process is rank `rank` of `world_size`, meeting the
  // others at `master`; unset flags are read from torchrun's WORLD_SIZE, RANK, MASTER_ADDR and MASTER_PORT.
  std::optional<int> world_size;
  std::optional<int> rank;
  std::string master;
  double rendezvous_timeout = 300;
  bool agent_store = false;  // torchrun's TORCHELASTIC_USE_AGENT_STORE=True: its agent serves the store
};
void SetupTrain(CLI::App& command, TrainArgs& args);
int RunTrain(const TrainArgs& args);

struct AlgorithmsArgs {
  CommonArgs common;
};
void SetupAlgorithms(CLI::App& command, AlgorithmsArgs& args);
int RunAlgorithms(const AlgorithmsArgs& args);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_COMMANDS_H_
