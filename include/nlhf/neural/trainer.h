// Training a neural policy with one of the methods of nlhf/neural/methods.h: the options, the result
// with its certificate (the exact duality gap of the network's policy in every context) and its trace,
// and checkpoints from which a run resumes bit for bit.
#ifndef NLHF_NEURAL_TRAINER_H_
#define NLHF_NEURAL_TRAINER_H_

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "nlhf/enum_names.h"
#include "nlhf/neural/policy_network.h"
#include "nlhf/neural/preference_oracle.h"
#include "nlhf/neural/training_games.h"
#include "nlhf/solver.h"

namespace nlhf::neural {

enum class OptimizerKind { kSgd, kAdam };
inline constexpr EnumNames<OptimizerKind, 2> kOptimizerKindNames{{{OptimizerKind::kSgd, "sgd"}, {OptimizerKind::kAdam, "adam"}}};
inline const char* OptimizerKindName(OptimizerKind kind) { return NameOf(kOptimizerKindNames, kind); }
inline OptimizerKind ParseOptimizerKind(std::string_view name) { return ParseName(kOptimizerKindNames, name, "optimizer"); }

// How a step is computed. autograd: LibTorch's forward, autograd backward and optimizer (every policy,
// optimizer, feedback and device). fused: the whole iteration hand-derived in Eigen on the CPU (tabular and
// mlp policies, SGD, exact or sampled feedback), the same numbers to rounding and tens of times faster at
// EGPO size.
// auto: fused where it applies.
enum class Backend { kAuto, kAutograd, kFused };
inline constexpr EnumNames<Backend, 3> kBackendNames{
    {{Backend::kAuto, "auto"}, {Backend::kAutograd, "autograd"}, {Backend::kFused, "fused"}}};
inline const char* BackendName(Backend backend) { return NameOf(kBackendNames, backend); }
inline Backend ParseBackend(std::string_view name) { return ParseName(kBackendNames, name, "backend"); }

// Data-parallel training over contexts (docs/scale-out.md): `world_size` processes, the same options
// given to each, every one holding the whole network but computing the loss and its gradient on its own
// contiguous share of the contexts. The gradients are summed with LibTorch's distributed engine (c10d,
// Gloo backend) before every optimizer step, so every process takes the step one process would take on
// every context; the certificate gathers every context's policy. Rank 0 writes the checkpoints, which
// resume on any world size.
struct DataParallelOptions {
  int world_size = 1;  // 1: this process alone, no rendezvous
  int rank = 0;        // 0 … world_size − 1; rank 0 serves the rendezvous
  std::string master = "127.0.0.1:29500";  // host:port of rank 0's rendezvous (a TCP store)
  double timeout_seconds = 300;  // for the rendezvous and for each collective
  // Under torchrun (TORCHELASTIC_USE_AGENT_STORE=True) its agent already serves the store at `master`:
  // every rank then joins it as a client, under the "/worker" prefix, as PyTorch's env:// rendezvous does.
  bool agent_store = false;
  // Empty when valid; otherwise names the setting and the rule.
  std::string Validate() const;
};

struct TrainOptions;
// Empty when the fused path can run `options`; otherwise why not ("it takes plain SGD only").
std::string FusedPathSupports(const TrainOptions& options);

struct TrainOptions {
  std::string algorithm = "omwu";   // a name from NeuralMethods()
  PolicyNetworkOptions policy;
  std::int64_t iterations = 1000;  // optimizer steps (EGPO's half step included in one)
  // The optimizer's learning rate. With plain SGD and tabular logits, (lr, η) is the tabular method
  // with step size lr·η (see methods.h), so lr = 1 reproduces `nlhf solve` exactly.
  double learning_rate = 1.0;
  std::optional<double> step_size;  // η; the method's default when unset
  std::optional<double> beta;       // β of regularized methods; their default when unset
  // log π_ref of the regularized methods over the n responses, shared by every context (empty: uniform).
  Eigen::VectorXd reference_log_policy;
  OptimizerKind optimizer = OptimizerKind::kSgd;
  // Optimizer steps per iteration toward the same target (regression losses, autograd path; EGPO takes
  // one): more fit the tabular update more closely where one step does not reach it (the transformer).
  int fit_steps = 1;
  FeedbackKind feedback = FeedbackKind::kExact;
  int samples = 100;               // queries per context per payoff estimate (sampled feedback)
  std::uint64_t seed = 0;          // initial weights and every sampled comparison
  std::string device = "cpu";      // "cpu", "cuda", "cuda:1"
  std::int64_t log_every = 1;      // a trace record every this many iterations (and the last)
  Backend backend = Backend::kAuto;
  // Checkpoints: every `checkpoint_every` iterations into `checkpoint_directory` (0: only at the end
  // when a directory is given). `resume_directory`: continue the run saved there.
  std::string checkpoint_directory;
  std::int64_t checkpoint_every = 0;
  std::string resume_directory;
  // Several processes over the contexts (exact feedback, autograd path, CPU).
  DataParallelOptions data_parallel;

  // Empty when valid; otherwise "learning_rate = -1. Violated constraint: learning_rate > 0".
  std::string Validate() const;
};

struct TrainRecord {
  std::int64_t iteration = 0;
  // Exact duality gap of π_θ in the original game, mean and max over contexts (estimated where the run's
  // TrainResult says gap_estimated).
  double mean_gap = 0;
  double max_gap = 0;
  // The same in the β-regularized game (NaN for unregularized methods).
  double mean_regularized_gap = std::numeric_limits<double>::quiet_NaN();
  double max_regularized_gap = std::numeric_limits<double>::quiet_NaN();
  // The loss of the step that produced this policy, at the parameters it started from (NaN at 0).
  double loss = std::numeric_limits<double>::quiet_NaN();
  std::int64_t queries = 0;  // oracle queries so far (0 with exact feedback)
  // Smallest log π_θ over contexts and responses (trained on samples: over the responses drawn next).
  double min_log_probability = 0;
};

struct TrainResult {
  std::string algorithm;  // "omwu(eta=1)"
  std::string network;    // PolicyNetwork::Describe()
  std::string backend;    // "fused" or "autograd": the path that ran
  Termination termination = Termination::kNotRun;
  std::string message;
  std::int64_t iterations = 0;     // where this run ended (counting from the start of a resumed run)
  std::int64_t resumed_from = 0;   // the checkpoint's iteration, 0 for a fresh run
  double seconds = 0;              // of this process's iterations
  double microseconds_per_iteration = 0;
  std::int64_t parameters = 0;
  std::int64_t queries = 0;
  Eigen::MatrixXd policy;          // C×n probabilities of the final network (empty when trained on samples)
  Eigen::VectorXd gaps;            // duality gap per context: exact, or estimated (gap_estimated)
  double mean_gap = 0;
  double max_gap = 0;
  // Sequence spaces trained on samples (sampled_sequence_trainer.h): the gaps and the trace's are the
  // estimates of gap_estimate.h, each context's with its confidence interval, never a certificate.
  bool gap_estimated = false;
  Eigen::VectorXd gap_low, gap_high;
  std::shared_ptr<PolicyNetwork> trained_network;
  double mean_regularized_gap = std::numeric_limits<double>::quiet_NaN();
  std::vector<TrainRecord> trace;  // the whole run's, a resumed run's included
};

// Called after each trace record; returning false stops the run (kCallbackStop).
using TrainCallback = std::function<bool(const TrainRecord&, std::int64_t total_iterations)>;

// Throws InvalidArgument for invalid options, Unavailable for a device this build lacks (or data-parallel
// training in a build without c10d), ParseError for a checkpoint that cannot be read, Error when a
// data-parallel peer cannot be reached or fails. With options.data_parallel.world_size > 1 every rank
// returns the same result (the whole run's policy and certificate).
TrainResult Train(const TrainingGames& games, const TrainOptions& options, const TrainCallback& callback = {});

// The trace as CSV: iteration, mean_gap, max_gap, mean_regularized_gap, max_regularized_gap, loss,
// queries, min_log_probability.
std::string FormatTrainTraceCsv(const std::vector<TrainRecord>& trace);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_TRAINER_H_
