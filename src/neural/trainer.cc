#include "nlhf/neural/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "nlhf/neural/methods.h"
#include "nlhf/registry.h"
#include "nlhf/resources.h"
#include "neural/autograd_backend.h"
#include "neural/checkpoint.h"
#include "neural/context_group.h"
#include "neural/fused_trainer.h"
#include "neural/run_settings.h"

namespace nlhf::neural {
namespace {

using internal::RowMatrix;

torch::Device ParseDevice(const std::string& name) {
  try {
    torch::Device device(name);
    if (device.is_cuda() && !torch::cuda::is_available()) {
      throw Unavailable(fmt::format("--device {}: this LibTorch build has no CUDA support or sees no GPU "
                                    "(build nlhf against a CUDA LibTorch: cmake -DCMAKE_PREFIX_PATH=<libtorch>)",
                                    name));
    }
    return device;
  } catch (const c10::Error&) {
    throw InvalidArgument(fmt::format("--device {}: expected cpu, cuda or cuda:N", name));
  }
}

// log π_ref over the n responses: the options' (checked against n), or uniform.
Eigen::RowVectorXd Reference(const TrainOptions& options, int n) {
  const Eigen::VectorXd& given = options.reference_log_policy;
  if (given.size() == 0) return Eigen::RowVectorXd::Constant(n, -std::log(static_cast<double>(n)));
  if (given.size() != n) {
    throw InvalidArgument(fmt::format("reference policy: {} log-probabilities for {} responses", given.size(), n));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    // π_ref = 0 somewhere would make β·log(π/π_ref) infinite: the regularized methods need π_ref > 0.
    if (!std::isfinite(given[i])) {
      throw InvalidArgument(fmt::format("reference policy: entry {} is {}; every log-probability must be finite", i,
                                        given[i]));
    }
  }
  if (const double total = given.array().exp().sum(); !(std::abs(total - 1) <= 1e-9)) {
    throw InvalidArgument(fmt::format("reference policy: its probabilities sum to {:.17g}, not 1", total));
  }
  return given.transpose();
}

// The certificate of a policy from its exact payoffs g = Aπ, one row per context: the duality gap in the
// original game and, for regularized methods, in the β-regularized one (both from metrics.h).
void Certify(const RowMatrix& log_pi, const RowMatrix& payoff, double beta, const Eigen::RowVectorXd& reference,
             TrainRecord& record) {
  const Eigen::Index contexts = payoff.rows();
  Eigen::VectorXd gaps(contexts), regularized(contexts);
  const PlayerVectors log_reference{reference.transpose()};
  for (Eigen::Index c = 0; c < contexts; ++c) {
    const PlayerVectors payoffs{payoff.row(c).transpose()};
    gaps(c) = DualityGapFromPayoffs(payoffs);
    if (beta > 0) {
      regularized(c) = RegularizedDualityGapFromPayoffs(payoffs, {log_pi.row(c).transpose()}, beta, log_reference);
    }
  }
  record.mean_gap = gaps.mean();
  record.max_gap = gaps.maxCoeff();
  if (beta > 0) {
    record.mean_regularized_gap = regularized.mean();
    record.max_regularized_gap = regularized.maxCoeff();
  }
  record.min_log_probability = log_pi.minCoeff();
}

// Sampled feedback on sequence games is on-policy (on_policy_feedback.h, TrainProblem::on_policy).
bool UsesOnPolicyFeedback(const TrainingGames& games, const TrainOptions& options) {
  return games.sequences != nullptr && options.feedback == FeedbackKind::kSampled;
}

// Data-parallel runs join their group before anything else: every rank must arrive at the rendezvous.
std::unique_ptr<internal::ContextGroup> JoinGroup(const TrainingGames& games, const TrainOptions& options) {
  if (options.data_parallel.world_size == 1) return nullptr;
  return std::make_unique<internal::ContextGroup>(options.data_parallel, games.num_contexts());
}

// The contexts this process trains on: all of them, or its share of a data-parallel run's.
// `rows` holds one row per context (the games, a checkpoint's OMWU memory g_{t−1}); undefined stays so.
torch::Tensor ShareOf(const torch::Tensor& rows, const internal::ContextGroup* group) {
  if (group == nullptr || !rows.defined()) return rows;
  return rows.narrow(0, group->share().first, group->share().count);
}

// One training run: the loop over a backend's steps, the trace and its certificates, checkpoints. In a
// data-parallel run (options.data_parallel) each rank evaluates and steps on its share of the contexts
// with summed gradients (context_group.h) and gathers every context's rows for the certificate, so every
// rank holds the same parameters, trace and result.
class TrainingRun {
 public:
  TrainingRun(const TrainingGames& games, const TrainOptions& options)
      : group_(JoinGroup(games, options)),
        options_(options),
        method_(FindNeuralMethod(options.algorithm)),
        eta_(options.step_size.value_or(method_.default_step_size)),
        beta_(method_.regularized ? options.beta.value_or(method_.default_beta) : 0.0),
        device_(ParseDevice(options.device)),
        generator_(at::detail::createCPUGenerator(options.seed)),
        games_hash_(internal::HashTensor(games.payoff) ^ (internal::HashTensor(games.features) << 1)),
        payoff_(ShareOf(games.payoff, group_.get()).to(device_)),
        network_(MakePolicyNetwork(options.policy, games, generator_)),
        oracle_(payoff_, options.feedback, options.samples, generator_),
        on_policy_(UsesOnPolicyFeedback(games, options)),
        log_reference_(Reference(options, static_cast<int>(games.payoff.size(1)))) {
    network_->to(device_);
    optimizer_ = internal::MakeOptimizer(network_->parameters(), options);
  }

  bool UsesFusedPath() const {
    const bool supported = FusedPathSupports(options_).empty();  // never for data-parallel runs
    return options_.backend == Backend::kFused || (options_.backend == Backend::kAuto && supported && !on_policy_);
  }

  std::string AlgorithmSpec() const { return internal::MethodSpec(method_, eta_, beta_); }

  TrainResult Run(const TrainCallback& callback) {
    TrainResult result;
    result.algorithm = AlgorithmSpec();
    result.network = network_->Describe();
    result.backend = UsesFusedPath() ? "fused" : "autograd";
    for (const auto& p : network_->parameters()) result.parameters += p.numel();
    // Ranks started with other settings would step apart and certify a mixture of networks: every rank must
    // hold the same trajectory's settings, the same run length and record schedule, and the same games.
    if (group_) {
      const std::string settings =
          fmt::format("{} {} {} {}", Fingerprint().dump(), options_.iterations, options_.log_every, options_.resume_directory);
      if (!group_->AllEqual(static_cast<std::int64_t>(std::hash<std::string>{}(settings)))) {
        throw InvalidArgument(fmt::format("data-parallel rank {}: the ranks were started with different settings or "
                                          "games; start every rank with the same flags but --rank",
                                          group_->rank()));
      }
    }
    internal::CheckpointState resumed;
    if (!options_.resume_directory.empty()) resumed = LoadCheckpoint(options_.resume_directory);
    result.resumed_from = iteration_;
    const std::int64_t total = options_.iterations;
    if (iteration_ > total) {
      throw InvalidArgument(fmt::format("--resume {}: the checkpoint is at iteration {}, past --iters {}",
                                        options_.resume_directory, iteration_, total));
    }
    // The backend copies what it needs of the network, so it starts after the checkpoint is read.
    const internal::TrainProblem problem{.method = method_,
                                         .step_size = eta_,
                                         .beta = beta_,
                                         .log_reference = log_reference_,
                                         .learning_rate = options_.learning_rate,
                                         .loss_scale = 1.0 / network_->contexts_per_parameter(),
                                         .payoff = payoff_,
                                         .network = *network_,
                                         .oracle = oracle_,
                                         .sampled_feedback = options_.feedback == FeedbackKind::kSampled,
                                         .on_policy = on_policy_,
                                         .fit_steps = options_.fit_steps,
                                         .first_context = group_ ? group_->share().first : 0,
                                         .group = group_.get()};
    if (UsesFusedPath()) {
      backend_ = std::make_unique<internal::FusedTrainer>(problem);
    } else {
      backend_ = std::make_unique<internal::AutogradBackend>(problem, *optimizer_);
    }
    // A data-parallel run's loss is the sum of the ranks' (Measure): rank 0 alone holds the restored one.
    const bool holds_loss = group_ == nullptr || group_->rank() == 0;
    // The checkpoint holds every context's memory, so that it resumes on any number of ranks.
    backend_->Restore(ShareOf(resumed.previous_payoff, group_.get()), holds_loss ? resumed.loss : 0.0);
    // The callback's answer must be the same on every rank, or they would part ways: stop when any says so.
    const TrainCallback agreed = [&](const TrainRecord& r, std::int64_t of) {
      const bool go = !callback || callback(r, of);
      return group_ ? group_->AllTrue(go) : go;
    };

    const auto start = std::chrono::steady_clock::now();
    result.termination = Termination::kMaxIterations;
    RowMatrix final_log_policy, final_payoff;
    for (;;) {
      const std::int64_t t = iteration_;
      const bool last = t == total;
      const bool record = last || t % options_.log_every == 0;
      backend_->Evaluate();
      if (record) {
        const RowMatrix log_pi = Whole(backend_->LogPolicy());
        const RowMatrix payoff = Whole(backend_->Payoffs());
        const TrainRecord r = Measure(t, log_pi, payoff);
        trace_.push_back(r);
        if (internal::StopAfterRecord(r, result.resumed_from, total, agreed, result) || last) {
          final_log_policy = log_pi;
          final_payoff = payoff;
          break;
        }
      }
      if (problem.sampled_feedback && !backend_->PolicyFinite()) {
        // Sampling from a non-finite policy is undefined: stop here, as at a record.
        final_log_policy = Whole(backend_->LogPolicy());
        final_payoff = Whole(backend_->Payoffs());
        trace_.push_back(Measure(t, final_log_policy, final_payoff));
        result.termination = Termination::kNumericalFailure;
        result.message = fmt::format("the policy became non-finite at iteration {}", t);
        break;
      }
      backend_->Step();
      ++iteration_;
      if (internal::CheckpointDue(options_, iteration_, total)) SaveCheckpoint(options_.checkpoint_directory);
    }
    internal::RecordTiming(start, iteration_, result);
    if (!options_.checkpoint_directory.empty()) SaveCheckpoint(options_.checkpoint_directory);

    result.policy = final_log_policy.array().exp();
    result.gaps = 2.0 * final_payoff.rowwise().maxCoeff();
    const TrainRecord& last_record = trace_.back();
    result.mean_gap = last_record.mean_gap;
    result.max_gap = last_record.max_gap;
    result.mean_regularized_gap = last_record.mean_regularized_gap;
    result.queries = oracle_.queries();
    if (result.message.empty()) {
      result.message = fmt::format("{} iterations; exact duality gap {:.3g} (mean over {} context{}), max {:.3g}",
                                   iteration_, result.mean_gap, result.gaps.size(), result.gaps.size() == 1 ? "" : "s",
                                   result.max_gap);
    }
    result.trace = trace_;
    result.trained_network = network_;
    return result;
  }

 private:
  // Every context's rows: this process's, or gathered from every rank in context order.
  RowMatrix Whole(const RowMatrix& rows) const { return group_ ? group_->GatherRows(rows) : rows; }

  TrainRecord Measure(std::int64_t t, const RowMatrix& log_pi, const RowMatrix& payoff) const {
    TrainRecord r;
    r.iteration = t;
    Certify(log_pi, payoff, beta_, log_reference_, r);
    r.loss = group_ ? group_->Sum(backend_->Loss()) : backend_->Loss();
    r.queries = oracle_.queries();
    return r;
  }

  // What determines the trajectory: a checkpoint resumes only a run with the same of each.
  nlohmann::json Fingerprint() const {
    nlohmann::json fingerprint = FingerprintBeforeFitSteps();
    // Only where it is not 1, so that checkpoints written before --fit-steps existed still resume.
    if (options_.fit_steps != 1) fingerprint["fit_steps"] = options_.fit_steps;
    if (on_policy_) fingerprint["on_policy"] = true;
    return fingerprint;
  }

  nlohmann::json FingerprintBeforeFitSteps() const {
    nlohmann::json fingerprint = internal::CommonFingerprint(AlgorithmSpec(), network_->Describe(), options_);
    fingerprint["games"] = std::to_string(games_hash_);
    fingerprint["reference"] = std::vector<double>(log_reference_.data(), log_reference_.data() + log_reference_.size());
    return fingerprint;
  }

  // Every rank takes part (the memory and the loss are gathered); rank 0 writes.
  void SaveCheckpoint(const std::string& directory) {
    backend_->WriteBack();
    torch::Tensor previous = backend_->PreviousPayoffs();
    double loss = backend_->Loss();
    if (group_) {
      if (previous.defined()) previous = group_->GatherRows(previous);
      loss = group_->Sum(loss);
      if (group_->rank() != 0) return;
    }
    internal::WriteCheckpoint(directory,
                              {.fingerprint = Fingerprint(),
                               .iteration = iteration_,
                               .queries = oracle_.queries(),
                               .previous_payoff = previous,
                               .loss = loss,
                               .rng = generator_.get_state(),
                               .trace = trace_},
                              *network_, *optimizer_);
  }

  // Loads the network, the optimizer, the generator and the trace; returns what the backend restores.
  internal::CheckpointState LoadCheckpoint(const std::string& directory) {
    internal::CheckpointState state = internal::ReadCheckpoint(directory, Fingerprint(), device_, *network_, *optimizer_);
    iteration_ = state.iteration;
    oracle_.set_queries(state.queries);
    generator_.set_state(state.rng);
    // The saved run's last record (its final iteration) is made again here if it is due.
    trace_.clear();
    for (const TrainRecord& r : state.trace) {
      if (r.iteration < iteration_) trace_.push_back(r);
    }
    return state;
  }

  std::unique_ptr<internal::ContextGroup> group_;  // data-parallel runs only
  TrainOptions options_;
  const NeuralMethod& method_;
  double eta_;
  double beta_;
  torch::Device device_;
  at::Generator generator_;
  std::uint64_t games_hash_;
  torch::Tensor payoff_;
  std::shared_ptr<PolicyNetwork> network_;
  PreferenceOracle oracle_;
  bool on_policy_;  // UsesOnPolicyFeedback
  Eigen::RowVectorXd log_reference_;  // log π_ref over the responses
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<internal::TrainBackend> backend_;
  std::int64_t iteration_ = 0;
  std::vector<TrainRecord> trace_;
};

}  // namespace

std::string FusedPathSupports(const TrainOptions& options) {
  if (options.data_parallel.world_size > 1) return "data-parallel runs sum autograd's gradients";
  if (options.device != "cpu") return "it runs on the CPU only";
  if (options.optimizer != OptimizerKind::kSgd) return "it takes plain SGD only";
  if (options.fit_steps != 1) return "it takes one step per iteration (--fit-steps 1)";
  if (options.policy.kind == PolicyKind::kContextual || options.policy.kind == PolicyKind::kTransformer) {
    return "it takes the tabular and mlp policies only";
  }
  return "";
}

std::string DataParallelOptions::Validate() const {
  if (world_size < 1) return fmt::format("world_size = {}. Violated constraint: world_size >= 1", world_size);
  if (rank < 0 || rank >= world_size) {
    return fmt::format("rank = {}. Violated constraint: 0 <= rank < world_size = {}", rank, world_size);
  }
  const size_t colon = master.rfind(':');
  const std::string port = colon == std::string::npos ? "" : master.substr(colon + 1);
  const bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  if (colon == 0 || !digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return fmt::format("master = '{}'. Violated constraint: HOST:PORT with 1 <= PORT <= 65535", master);
  }
  if (!(timeout_seconds > 0) || !std::isfinite(timeout_seconds)) {
    return fmt::format("timeout = {}. Violated constraint: 0 < timeout < inf", timeout_seconds);
  }
  return "";
}

std::string TrainOptions::Validate() const {
  if (iterations < 0) return fmt::format("iterations = {}. Violated constraint: iterations >= 0", iterations);
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    return fmt::format("learning_rate = {}. Violated constraint: 0 < learning_rate < inf", learning_rate);
  }
  if (step_size && (!(*step_size > 0) || !std::isfinite(*step_size))) {
    return fmt::format("eta = {}. Violated constraint: 0 < eta < inf", *step_size);
  }
  if (beta && (!(*beta >= 0) || !std::isfinite(*beta))) {
    return fmt::format("beta = {}. Violated constraint: 0 <= beta < inf", *beta);
  }
  if (samples < 1) return fmt::format("samples = {}. Violated constraint: samples >= 1", samples);
  if (fit_steps < 1 || fit_steps > 10000) {
    return fmt::format("fit_steps = {}. Violated constraint: 1 <= fit_steps <= 10000", fit_steps);
  }
  if (log_every < 1) return fmt::format("log_every = {}. Violated constraint: log_every >= 1", log_every);
  if (checkpoint_every < 0) {
    return fmt::format("checkpoint_every = {}. Violated constraint: checkpoint_every >= 0", checkpoint_every);
  }
  if (const std::string problem = data_parallel.Validate(); !problem.empty()) return problem;
  if (data_parallel.world_size > 1) {
    // What a rank cannot yet split: sampled feedback draws every context's comparisons from one stream
    // (a split would draw others), and Gloo sums tensors on the CPU.
    if (feedback != FeedbackKind::kExact) {
      return fmt::format("world_size = {}: data-parallel training takes exact feedback (sampled comparisons come from "
                         "one seeded stream over every context)", data_parallel.world_size);
    }
    if (device != "cpu") {
      return fmt::format("world_size = {}: data-parallel training runs on the CPU (Gloo); device = {}",
                         data_parallel.world_size, device);
    }
  }
  if (backend == Backend::kFused) {
    if (const std::string why = FusedPathSupports(*this); !why.empty()) {
      return fmt::format("backend = fused is not available here: {}", why);
    }
  }
  const NeuralMethod& method = FindNeuralMethod(algorithm);
  if (beta && !method.regularized) return fmt::format("{} takes no beta (it is not regularized)", algorithm);
  const double eta = step_size.value_or(method.default_step_size);
  const double b = method.regularized ? beta.value_or(method.default_beta) : 0.0;
  if (const std::string problem = StepTimesBetaAtMostOne({{"eta", eta}, {"beta", b}}); !problem.empty()) {
    return fmt::format("{} (for {})", problem, algorithm);
  }
  return policy.Validate();
}

namespace {

// Numbers the run holds at once: the parameters four times over (values, gradients, two optimizer
// moments), the games, and per layer the activations and their gradients.
double TrainingMemoryBytes(const TrainingGames& games, const TrainOptions& options) {
  const double contexts = games.num_contexts(), n = games.num_responses();
  const PolicyNetworkOptions& policy = options.policy;
  double parameters = contexts * n, activations = contexts * n;
  if (policy.kind == PolicyKind::kTransformer && games.sequences) {
    // Per token of every enumerated response, each block keeps about 20 width-sized activations (norms,
    // attention, the 4× MLP) and the attention scores: an upper bound, as the policy's forward runs only
    // V^(T−1) rows per prompt (transformer_policy.h).
    const double width = policy.hidden_width;
    const double length = static_cast<double>(games.sequences->prompts.size(1) + games.sequences->space.max_length());
    parameters = policy.layers * 12.0 * width * width + (length + 2 * games.sequences->space.vocabulary() + 4) * width;
    activations = contexts * n * length * (policy.layers * (20 * width + 2 * policy.heads * length) + 4 * width);
  } else if (policy.kind != PolicyKind::kTabular) {
    double fan_in = policy.kind == PolicyKind::kMlp ? policy.input_dimension : static_cast<double>(games.features.size(1));
    parameters = 0;
    for (int layer = 0; layer < policy.depth; ++layer) {
      const double fan_out = layer + 1 == policy.depth ? n : policy.hidden_width;
      parameters += (fan_in + 1) * fan_out;
      activations += contexts * fan_out;
      fan_in = fan_out;
    }
    if (policy.kind == PolicyKind::kMlp) parameters = contexts * (parameters + policy.input_dimension);
  }
  return 8.0 * (4 * parameters + 4 * activations + 2 * contexts * n * n);
}

// The rules of on-policy feedback (UsesOnPolicyFeedback).
std::string ValidateOnPolicy(const TrainOptions& options) {
  if (options.samples < 2) {
    return fmt::format("samples = {}. Violated constraint: samples >= 2 with sampled feedback on sequence games (each "
                       "drawn response's payoff is estimated from its comparisons with the K - 1 others)",
                       options.samples);
  }
  if (FindNeuralMethod(options.algorithm).rule == TargetRule::kExtragradient) {
    return "egpo takes exact feedback on sequence games (its second step needs the payoffs of pi_{t+1/2} at the "
           "responses of the first)";
  }
  if (options.backend == Backend::kFused) {
    return "backend = fused is not available here: sampled feedback on sequence games runs on the autograd path";
  }
  return "";
}

}  // namespace

TrainResult Train(const TrainingGames& games, const TrainOptions& options, const TrainCallback& callback) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  if (UsesOnPolicyFeedback(games, options)) {
    if (const std::string problem = ValidateOnPolicy(options); !problem.empty()) throw InvalidArgument(problem);
  }
  if (const int ranks = options.data_parallel.world_size; ranks > games.num_contexts()) {
    throw InvalidArgument(fmt::format("world_size = {}: more ranks than the {} context(s) to share among them", ranks,
                                      games.num_contexts()));
  }
  RequireMemory(fmt::format("train: a {} policy (--width {}, --depth {}) over {} context(s) of n = {}",
                            PolicyKindName(options.policy.kind), options.policy.hidden_width, options.policy.depth,
                            games.num_contexts(), games.num_responses()),
                TrainingMemoryBytes(games, options));
  try {
    TrainingRun run(games, options);
    return run.Run(callback);
  } catch (const c10::Error& error) {
    // LibTorch's message without its stack trace.
    throw Error(fmt::format("LibTorch: {}", error.what_without_backtrace()));
  }
}

std::string FormatTrainTraceCsv(const std::vector<TrainRecord>& trace) {
  std::string csv = "iteration,mean_gap,max_gap,mean_regularized_gap,max_regularized_gap,loss,queries,min_log_probability\n";
  for (const TrainRecord& r : trace) {
    csv += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{},{:.17g}\n", r.iteration, r.mean_gap, r.max_gap,
                       r.mean_regularized_gap, r.max_regularized_gap, r.loss, r.queries, r.min_log_probability);
  }
  return csv;
}

}  // namespace nlhf::neural
