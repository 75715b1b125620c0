#include "nlhf/neural/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "nlhf/error.h"
#include "nlhf/registry.h"
#include "nlhf/neural/methods.h"
#include "neural/checkpoint.h"
#include "neural/fused_trainer.h"

namespace nlhf::neural {
namespace {

// The regression losses of methods.h, summed over contexts. Both forms have the same gradient; the
// pairwise one is the IPO loss on log-ratio differences of every pair.
torch::Tensor RegressionLoss(LossForm form, const torch::Tensor& residual) {
  if (form == LossForm::kPointwise) {
    const torch::Tensor centred = residual - residual.mean(1, /*keepdim=*/true);
    return 0.5 * (centred * centred).sum();
  }
  const torch::Tensor differences = residual.unsqueeze(2) - residual.unsqueeze(1);
  return (differences * differences).sum() / (4.0 * static_cast<double>(residual.size(1)));
}

std::uint64_t HashTensor(const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.cpu().contiguous();
  return std::hash<std::string_view>{}(
      std::string_view(static_cast<const char*>(t.data_ptr()), static_cast<size_t>(t.numel() * t.element_size())));
}

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

class TrainingRun {
 public:
  TrainingRun(const TrainingGames& games, const TrainOptions& options)
      : options_(options),
        method_(FindNeuralMethod(options.algorithm)),
        eta_(options.step_size.value_or(method_.default_step_size)),
        beta_(method_.regularized ? options.beta.value_or(method_.default_beta) : 0.0),
        device_(ParseDevice(options.device)),
        generator_(at::detail::createCPUGenerator(options.seed)),
        games_hash_(HashTensor(games.payoff) ^ (HashTensor(games.features) << 1)),
        payoff_(games.payoff.to(device_)),
        network_(MakePolicyNetwork(options.policy, games, generator_)),
        oracle_(payoff_, options.feedback, options.samples, generator_) {
    network_->to(device_);
    const int n = games.num_responses();
    const torch::Tensor a = games.payoff.cpu().contiguous();
    for (int c = 0; c < games.num_contexts(); ++c) {
      payoff_matrices_.push_back(Eigen::Map<const internal::RowMatrix>(a[c].data_ptr<double>(), n, n));
    }
    log_reference_ = torch::full({games.num_contexts(), n}, -std::log(static_cast<double>(n)),
                                 torch::TensorOptions(torch::kFloat64).device(device_));
    if (options.optimizer == OptimizerKind::kSgd) {
      optimizer_ = std::make_unique<torch::optim::SGD>(network_->parameters(), torch::optim::SGDOptions(options.learning_rate));
    } else {
      optimizer_ = std::make_unique<torch::optim::Adam>(network_->parameters(), torch::optim::AdamOptions(options.learning_rate));
    }
    loss_scale_ = 1.0 / network_->contexts_per_parameter();
  }

  bool UsesFusedPath() const {
    const bool supported = FusedPathSupports(options_).empty();
    return options_.backend == Backend::kFused || (options_.backend == Backend::kAuto && supported);
  }

  std::string AlgorithmSpec() const {
    return method_.regularized ? fmt::format("{}(step_size={:g}, beta={:g})", method_.name, eta_, beta_)
                               : fmt::format("{}(step_size={:g})", method_.name, eta_);
  }

  TrainResult Run(const TrainCallback& callback) {
    TrainResult result;
    result.algorithm = AlgorithmSpec();
    result.network = network_->Describe();
    result.backend = UsesFusedPath() ? "fused" : "autograd";
    for (const auto& p : network_->parameters()) result.parameters += p.numel();
    if (!options_.resume_directory.empty()) LoadCheckpoint(options_.resume_directory);
    result.resumed_from = iteration_;
    const std::int64_t total = options_.iterations;
    if (iteration_ > total) {
      throw InvalidArgument(fmt::format("--resume {}: the checkpoint is at iteration {}, past --iters {}",
                                        options_.resume_directory, iteration_, total));
    }
    if (UsesFusedPath()) {
      fused_.emplace(method_, eta_, beta_, options_.learning_rate, loss_scale_, payoff_, *network_,
                     options_.feedback == FeedbackKind::kSampled ? &oracle_ : nullptr);
      fused_->SetPreviousPayoffs(previous_payoff_);
    }
    const auto start = std::chrono::steady_clock::now();
    result.termination = Termination::kMaxIterations;
    internal::RowMatrix final_log_policy, final_payoff;
    for (;;) {
      const std::int64_t t = iteration_;
      const bool last = t == total;
      const bool record = last || t % options_.log_every == 0;
      // Both paths: the current log-policy and, where needed, its exact payoffs; then one step.
      torch::Tensor log_policy, log_pi_t, pi_t, exact_payoff;
      if (fused_) {
        fused_->Evaluate();
      } else {
        log_policy = torch::log_softmax(network_->Logits(), 1);
        log_pi_t = log_policy.detach();
        pi_t = log_pi_t.exp();
        if (options_.feedback == FeedbackKind::kExact) {
          torch::NoGradGuard no_grad;
          exact_payoff = oracle_.ExactPayoffs(pi_t);
        }
      }
      if (record) {
        const internal::RowMatrix log_pi = fused_ ? fused_->log_policy() : ToEigen(log_pi_t);
        const internal::RowMatrix payoff = fused_ ? fused_->payoffs() : PayoffsOf(log_pi);
        const TrainRecord r = Measure(t, log_pi, payoff);
        trace_.push_back(r);
        if (!std::isfinite(r.mean_gap) || (t > result.resumed_from && std::isnan(r.loss))) {
          result.termination = Termination::kNumericalFailure;
          result.message = fmt::format("the policy or the loss became non-finite at iteration {}", t);
        } else if (callback && !callback(r, total)) {
          result.termination = Termination::kCallbackStop;
          result.message = fmt::format("stopped by the caller at iteration {}", t);
        }
        if (last || result.termination != Termination::kMaxIterations) {
          final_log_policy = log_pi;
          final_payoff = payoff;
          break;
        }
      }
      if (options_.feedback == FeedbackKind::kSampled &&
          !(fused_ ? fused_->log_policy().allFinite() : torch::isfinite(log_pi_t).all().item<bool>())) {
        // Sampling from a non-finite policy is undefined: stop here, as at a record.
        final_log_policy = fused_ ? fused_->log_policy() : ToEigen(log_pi_t);
        final_payoff = PayoffsOf(final_log_policy);
        trace_.push_back(Measure(t, final_log_policy, final_payoff));
        result.termination = Termination::kNumericalFailure;
        result.message = fmt::format("the policy became non-finite at iteration {}", t);
        break;
      }
      if (fused_) {
        last_loss_value_ = fused_->Step();
      } else {
        Step(log_policy, log_pi_t, pi_t, exact_payoff);
      }
      ++iteration_;
      if (!options_.checkpoint_directory.empty() && options_.checkpoint_every > 0 &&
          iteration_ % options_.checkpoint_every == 0 && iteration_ < total) {
        SaveCheckpoint(options_.checkpoint_directory);
      }
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.iterations = iteration_;
    const std::int64_t run_here = iteration_ - result.resumed_from;
    result.microseconds_per_iteration = run_here > 0 ? 1e6 * result.seconds / static_cast<double>(run_here) : 0;
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
    return result;
  }

 private:
  // The target T_t of the regression methods (methods.h), or the payoff h of the policy gradient.
  torch::Tensor FeedbackAt(const torch::Tensor& policy, const torch::Tensor& exact_payoff) {
    return options_.feedback == FeedbackKind::kExact && exact_payoff.defined() ? exact_payoff
                                                                                : oracle_.Payoffs(policy);
  }

  torch::Tensor Pull(const torch::Tensor& log_pi_t) const { return beta_ * (log_pi_t - log_reference_); }

  torch::Tensor Mixture(const torch::Tensor& log_pi_t) const {
    return torch::softmax((1.0 - eta_ * beta_) * log_pi_t + (eta_ * beta_) * log_reference_, 1);
  }

  torch::Tensor Target(const torch::Tensor& log_pi_t, const torch::Tensor& pi_t, const torch::Tensor& exact_payoff) {
    switch (method_.rule) {
      case TargetRule::kMultiplicativeWeights:
        return eta_ * FeedbackAt(pi_t, exact_payoff);
      case TargetRule::kOptimistic: {
        const torch::Tensor g = FeedbackAt(pi_t, exact_payoff);
        const torch::Tensor previous = previous_payoff_.defined() ? previous_payoff_ : g;
        previous_payoff_ = g;
        return eta_ * (2.0 * g - previous);
      }
      case TargetRule::kRegularizedMirror:
      case TargetRule::kExtragradient:
        return eta_ * (FeedbackAt(pi_t, exact_payoff) - Pull(log_pi_t));
      case TargetRule::kNashMirror:
        return eta_ * (FeedbackAt(Mixture(log_pi_t), {}) - Pull(log_pi_t));
      case TargetRule::kMagneticMirror:
        return eta_ * (FeedbackAt(pi_t, exact_payoff) - Pull(log_pi_t)) / (1.0 + eta_ * beta_);
    }
    throw InvalidArgument("unknown target rule");
  }

  // Nash-MD-PG: −Σ_y w_y log π_θ(y) with w = η π_t ⊙ (h − ⟨π_t, h⟩), h = A μ_t − β log(π_t/π_ref); with
  // sampled feedback w is its REINFORCE estimate from y ~ π_t, y′ ~ μ_t and a mean baseline.
  torch::Tensor PolicyGradientWeights(const torch::Tensor& log_pi_t, const torch::Tensor& pi_t) {
    torch::NoGradGuard no_grad;
    const torch::Tensor mixture = Mixture(log_pi_t);
    torch::Tensor weights;
    if (options_.feedback == FeedbackKind::kExact) {
      const torch::Tensor h = oracle_.ExactPayoffs(mixture) - Pull(log_pi_t);
      weights = eta_ * pi_t * (h - (pi_t * h).sum(1, /*keepdim=*/true));
    } else {
      const Comparisons comparisons = oracle_.Query(pi_t, mixture);
      const torch::Tensor reward = (comparisons.outcomes - 0.5) - Pull(log_pi_t).cpu().gather(1, comparisons.responses);
      const torch::Tensor advantage = reward - reward.mean(1, /*keepdim=*/true);
      weights = torch::zeros_like(pi_t, torch::TensorOptions().device(torch::kCPU))
                    .scatter_add_(1, comparisons.responses, advantage * (eta_ / oracle_.samples()))
                    .to(device_);
    }
    return weights;
  }

  torch::Tensor Loss(const torch::Tensor& log_policy, const torch::Tensor& log_pi_t, const torch::Tensor& target) {
    return loss_scale_ * RegressionLoss(method_.form, (log_policy - log_pi_t) - target);
  }

  void Step(const torch::Tensor& log_policy, const torch::Tensor& log_pi_t, const torch::Tensor& pi_t,
            const torch::Tensor& exact_payoff) {
    torch::Tensor loss;
    if (method_.form == LossForm::kPolicyGradient) {
      const torch::Tensor weights = PolicyGradientWeights(log_pi_t, pi_t);
      loss = -loss_scale_ * (weights * log_policy).sum();
    } else {
      torch::Tensor target;
      {
        torch::NoGradGuard no_grad;
        target = Target(log_pi_t, pi_t, exact_payoff);
      }
      loss = Loss(log_policy, log_pi_t, target);
      if (method_.rule == TargetRule::kExtragradient) loss = ExtragradientLoss(loss, log_pi_t);
    }
    optimizer_->zero_grad();
    loss.backward();
    optimizer_->step();
    last_loss_ = loss.detach();
  }

  // EGPO: a plain gradient half step from θ_t on the first loss, the payoffs of π_{t+½}, then the loss
  // whose target uses them, at the saved θ_t (the optimizer then takes the real step from θ_t).
  torch::Tensor ExtragradientLoss(const torch::Tensor& half_step_loss, const torch::Tensor& log_pi_t) {
    std::vector<torch::Tensor> saved;
    std::vector<torch::Tensor> parameters = network_->parameters();
    optimizer_->zero_grad();
    half_step_loss.backward();
    torch::Tensor target;
    {
      torch::NoGradGuard no_grad;
      for (torch::Tensor& p : parameters) {
        saved.push_back(p.detach().clone());
        p.sub_(p.grad(), options_.learning_rate);
      }
      const torch::Tensor half_policy = torch::softmax(network_->Logits(), 1);
      target = eta_ * (FeedbackAt(half_policy, {}) - Pull(log_pi_t));
      for (size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(saved[i]);
    }
    return Loss(torch::log_softmax(network_->Logits(), 1), log_pi_t, target);
  }

  static internal::RowMatrix ToEigen(const torch::Tensor& t) {
    const torch::Tensor c = t.detach().cpu().contiguous();
    return Eigen::Map<const internal::RowMatrix>(c.data_ptr<double>(), c.size(0), c.size(1));
  }

  // A·π per context in Eigen, for the certificate: LibTorch's BLAS matrix products may round differently
  // from run to run (seen on subnormal gaps), and the trace must repeat exactly.
  internal::RowMatrix PayoffsOf(const internal::RowMatrix& log_pi) const {
    internal::RowMatrix payoffs(log_pi.rows(), log_pi.cols());
    for (Eigen::Index c = 0; c < log_pi.rows(); ++c) {
      payoffs.row(c) = (payoff_matrices_[c] * log_pi.row(c).array().exp().matrix().transpose()).transpose();
    }
    return payoffs;
  }

  double LossValue() const { return last_loss_.defined() ? last_loss_.item<double>() : last_loss_value_; }

  // The certificate of the current policy, from its exact payoffs g = Aπ (one row per context).
  TrainRecord Measure(std::int64_t t, const internal::RowMatrix& log_pi, const internal::RowMatrix& payoff) const {
    TrainRecord r;
    r.iteration = t;
    const Eigen::VectorXd gaps = 2.0 * payoff.rowwise().maxCoeff();
    r.mean_gap = gaps.mean();
    r.max_gap = gaps.maxCoeff();
    if (beta_ > 0) {
      // gap_β = 2β [log Σ_a π_ref(a) exp(g_a/β) + KL(π‖π_ref)] in self-play (docs/algorithms.md).
      const double log_reference = -std::log(static_cast<double>(payoff.cols()));
      Eigen::VectorXd regularized(payoff.rows());
      for (Eigen::Index c = 0; c < payoff.rows(); ++c) {
        const Eigen::ArrayXd scaled = payoff.row(c).transpose().array() / beta_ + log_reference;
        const double m = scaled.maxCoeff();
        const double log_sum = m + std::log((scaled - m).exp().sum());
        const Eigen::ArrayXd lp = log_pi.row(c).transpose().array();
        const double kl = (lp.exp() * (lp - log_reference)).sum();
        regularized(c) = 2.0 * beta_ * (log_sum + kl);
      }
      r.mean_regularized_gap = regularized.mean();
      r.max_regularized_gap = regularized.maxCoeff();
    }
    r.loss = LossValue();
    r.queries = oracle_.queries();
    r.min_log_probability = log_pi.minCoeff();
    return r;
  }

  // What determines the trajectory: a checkpoint resumes only a run with the same of each.
  nlohmann::json Fingerprint() const {
    return {{"algorithm", AlgorithmSpec()},
            {"policy", network_->Describe()},
            {"learning_rate", options_.learning_rate},
            {"optimizer", OptimizerKindName(options_.optimizer)},
            {"feedback", FeedbackKindName(options_.feedback)},
            {"samples", options_.samples},
            {"seed", options_.seed},
            {"device", options_.device},
            {"log_every", options_.log_every},
            {"games", std::to_string(games_hash_)}};
  }

  void SaveCheckpoint(const std::string& directory) {
    if (fused_) {
      fused_->WriteBack(*network_);
      previous_payoff_ = fused_->PreviousPayoffs();
    }
    internal::WriteCheckpoint(directory,
                              {.fingerprint = Fingerprint(),
                               .iteration = iteration_,
                               .queries = oracle_.queries(),
                               .previous_payoff = previous_payoff_,
                               .loss = LossValue(),
                               .rng = generator_.get_state(),
                               .trace = trace_},
                              *network_, *optimizer_);
  }

  void LoadCheckpoint(const std::string& directory) {
    internal::CheckpointState state = internal::ReadCheckpoint(directory, Fingerprint(), device_, *network_, *optimizer_);
    iteration_ = state.iteration;
    oracle_.set_queries(state.queries);
    previous_payoff_ = state.previous_payoff;
    last_loss_value_ = state.loss;
    generator_.set_state(state.rng);
    // The saved run's last record (its final iteration) is made again here if it is due.
    trace_.clear();
    for (const TrainRecord& r : state.trace) {
      if (r.iteration < iteration_) trace_.push_back(r);
    }
  }

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
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  torch::Tensor log_reference_;
  torch::Tensor previous_payoff_;  // g_{t−1} of OMWU (exact or estimated)
  torch::Tensor last_loss_;  // the autograd path's, read only when recorded
  double last_loss_value_ = std::numeric_limits<double>::quiet_NaN();
  std::optional<internal::FusedTrainer> fused_;
  double loss_scale_ = 1;
  std::int64_t iteration_ = 0;
  std::vector<TrainRecord> trace_;
  std::vector<Eigen::MatrixXd> payoff_matrices_;  // A per context, for the certificate
};

}  // namespace

std::string FusedPathSupports(const TrainOptions& options) {
  if (options.device != "cpu") return "it runs on the CPU only";
  if (options.optimizer != OptimizerKind::kSgd) return "it takes plain SGD only";
  if (options.policy.kind == PolicyKind::kContextual) return "it takes the tabular and mlp policies only";
  return "";
}


std::string TrainOptions::Validate() const {
  if (iterations < 0) return fmt::format("iterations = {}. Violated constraint: iterations >= 0", iterations);
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    return fmt::format("learning_rate = {}. Violated constraint: 0 < learning_rate < inf", learning_rate);
  }
  if (step_size && (!(*step_size > 0) || !std::isfinite(*step_size))) {
    return fmt::format("step_size = {}. Violated constraint: 0 < step_size < inf", *step_size);
  }
  if (beta && (!(*beta >= 0) || !std::isfinite(*beta))) {
    return fmt::format("beta = {}. Violated constraint: 0 <= beta < inf", *beta);
  }
  if (samples < 1) return fmt::format("samples = {}. Violated constraint: samples >= 1", samples);
  if (log_every < 1) return fmt::format("log_every = {}. Violated constraint: log_every >= 1", log_every);
  if (checkpoint_every < 0) {
    return fmt::format("checkpoint_every = {}. Violated constraint: checkpoint_every >= 0", checkpoint_every);
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
  if (const std::string problem = StepTimesBetaAtMostOne({{"step_size", eta}, {"beta", b}}); !problem.empty()) {
    return fmt::format("{} (for {})", problem, algorithm);
  }
  return policy.Validate();
}

TrainResult Train(const TrainingGames& games, const TrainOptions& options, const TrainCallback& callback) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
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
