#include "neural/fused_trainer.h"

#include <fmt/format.h>

#include <cmath>

#include "nlhf/error.h"

namespace nlhf::neural::internal {
namespace {

// `body(c)` for every context: in parallel from 16 contexts on, below that on this thread without entering
// an OpenMP region. A region disabled by an `if` clause still calls the runtime, which woke a futex twice
// per iteration (the MLP at n = 100, one context: 6.7–7.0 µs per iteration with the clause; see
// docs/benchmarks.md for the figure without).
template <typename Body>
void ForEachContext(int contexts, const Body& body) {
  if (contexts < 16) {
    for (int c = 0; c < contexts; ++c) body(c);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int c = 0; c < contexts; ++c) body(c);
}

using Eigen::RowVectorXd;

// Copies of one context's slice of a LibTorch parameter (C × rows × columns, or C × columns).
RowMatrix Slice(const torch::Tensor& t, int64_t context) {
  const torch::Tensor s = t[context].contiguous();
  const int64_t rows = s.dim() == 2 ? s.size(0) : 1;
  return Eigen::Map<const RowMatrix>(s.data_ptr<double>(), rows, s.numel() / rows);
}

void Store(torch::Tensor t, int64_t context, const double* data) {
  torch::NoGradGuard no_grad;
  torch::Tensor s = t[context];
  s.copy_(torch::from_blob(const_cast<double*>(data), s.sizes(), torch::kFloat64));
}

double LogSumExp(const RowVectorXd& v) {
  const double m = v.maxCoeff();
  return m + std::log((v.array() - m).exp().sum());
}

}  // namespace

FusedTrainer::FusedTrainer(const TrainProblem& problem)
    : method_(problem.method), network_(problem.network), eta_(problem.step_size), beta_(problem.beta),
      learning_rate_(problem.learning_rate), loss_scale_(problem.loss_scale),
      oracle_(problem.sampled_feedback ? &problem.oracle : nullptr) {
  PolicyNetwork& network = problem.network;
  const torch::Tensor a = problem.payoff.cpu().contiguous();
  const int contexts = static_cast<int>(a.size(0));
  n_ = static_cast<int>(a.size(1));
  log_reference_ = problem.log_reference;
  for (int c = 0; c < contexts; ++c) payoff_.push_back(Slice(a, c));
  const auto named = network.named_parameters();
  tabular_ = named.contains("logits");
  parameters_.resize(contexts);
  activations_.resize(contexts);
  for (int c = 0; c < contexts; ++c) {
    Parameters& p = parameters_[c];
    if (tabular_) {
      p.logits = Slice(named["logits"], c);
      continue;
    }
    p.input = Slice(named["input"], c);
    for (int layer = 0; named.contains(fmt::format("weight{}", layer)); ++layer) {
      p.weights.push_back(Slice(named[fmt::format("weight{}", layer)], c));
      p.biases.push_back(Slice(named[fmt::format("bias{}", layer)], c));
    }
  }
  log_policy_.resize(contexts, n_);
  policy_.resize(contexts, n_);
  payoffs_.resize(contexts, n_);
  previous_payoffs_.resize(contexts, n_);
}

RowVectorXd FusedTrainer::Forward(const Parameters& p, Activations* activations) const {
  if (tabular_) return p.logits;
  RowVectorXd x = p.input;
  const size_t depth = p.weights.size();
  if (activations) {
    activations->inputs.resize(depth);
    activations->pre_activations.resize(depth);
  }
  for (size_t layer = 0; layer < depth; ++layer) {
    RowVectorXd a = x * p.weights[layer] + p.biases[layer];
    if (activations) {
      activations->inputs[layer] = x;
      activations->pre_activations[layer] = a;
    }
    x = layer + 1 < depth ? RowVectorXd(a.cwiseMax(0.0)) : a;
  }
  return x;
}

FusedTrainer::Parameters FusedTrainer::Gradient(const Parameters& p, const Activations& activations,
                                                const RowVectorXd& logit_gradient) const {
  Parameters gradient;
  if (tabular_) {
    gradient.logits = logit_gradient;
    return gradient;
  }
  const size_t depth = p.weights.size();
  gradient.weights.resize(depth);
  gradient.biases.resize(depth);
  RowVectorXd delta = logit_gradient;  // d loss / d a_l
  for (size_t layer = depth; layer-- > 0;) {
    gradient.weights[layer].noalias() = activations.inputs[layer].transpose() * delta;
    gradient.biases[layer] = delta;
    RowVectorXd back = delta * p.weights[layer].transpose();
    if (layer > 0) {
      // ReLU: the gradient passes where the pre-activation was > 0 (LibTorch's convention at 0).
      delta = (activations.pre_activations[layer - 1].array() > 0).select(back, 0.0);
    } else {
      gradient.input = back;
    }
  }
  return gradient;
}

void FusedTrainer::AddScaled(Parameters& p, const Parameters& gradient, double factor) {
  if (gradient.logits.size() > 0) {
    p.logits += factor * gradient.logits;
    return;
  }
  p.input += factor * gradient.input;
  for (size_t layer = 0; layer < p.weights.size(); ++layer) {
    p.weights[layer] += factor * gradient.weights[layer];
    p.biases[layer] += factor * gradient.biases[layer];
  }
}

RowVectorXd FusedTrainer::PayoffsOf(int context, const RowVectorXd& policy) const {
  return (payoff_[context] * policy.transpose()).transpose();
}

void FusedTrainer::Evaluate() {
  ForEachContext(static_cast<int>(parameters_.size()), [&](int c) {
    const RowVectorXd logits = Forward(parameters_[c], &activations_[c]);
    log_policy_.row(c) = logits.array() - LogSumExp(logits);
    policy_.row(c) = log_policy_.row(c).array().exp();
    payoffs_.row(c) = PayoffsOf(c, policy_.row(c));
  });
}

// The regression losses of methods.h at θ_t, where log π_θ − log π_t = 0 and the residual is −T:
// both forms have d loss / d log π = scale·(r − mean r), which sums to zero, so it is also d loss / d logits.
RowVectorXd FusedTrainer::RegressionGradient(const RowVectorXd& target, double* loss) const {
  const RowVectorXd centred = -(target.array() - target.mean()).matrix();
  *loss += loss_scale_ * 0.5 * centred.squaredNorm();
  return loss_scale_ * centred;
}

RowMatrix FusedTrainer::Feedback(const RowMatrix& opponent) {
  if (oracle_ == nullptr) {
    RowMatrix g(opponent.rows(), n_);
    for (Eigen::Index c = 0; c < opponent.rows(); ++c) g.row(c) = PayoffsOf(static_cast<int>(c), opponent.row(c));
    return g;
  }
  const torch::Tensor q =
      torch::from_blob(const_cast<double*>(opponent.data()), {opponent.rows(), n_}, torch::kFloat64);
  const torch::Tensor g = oracle_->Payoffs(q).contiguous();
  return Eigen::Map<const RowMatrix>(g.data_ptr<double>(), opponent.rows(), n_);
}

RowMatrix FusedTrainer::Mixtures() const {
  RowMatrix m = ((1.0 - eta_ * beta_) * log_policy_).rowwise() + (eta_ * beta_) * log_reference_;
  for (Eigen::Index c = 0; c < m.rows(); ++c) m.row(c) = (m.row(c).array() - LogSumExp(m.row(c))).exp();
  return m;
}

// Nash-MD-PG's weights w (the loss is −scale Σ w log π_θ): η π ⊙ (h − ⟨π, h⟩) with h = Aμ − β log(π/π_ref)
// from exact feedback, or the REINFORCE estimate from y ~ π_t, y′ ~ μ_t with a mean baseline.
RowMatrix FusedTrainer::PolicyGradientWeights(const RowMatrix& pull, const RowMatrix& mixtures) {
  const RowMatrix& policy = policy_;
  const Eigen::Index contexts = policy.rows();
  RowMatrix w = RowMatrix::Zero(contexts, n_);
  if (oracle_ == nullptr) {
    for (Eigen::Index c = 0; c < contexts; ++c) {
      const RowVectorXd h = PayoffsOf(static_cast<int>(c), mixtures.row(c)) - pull.row(c);
      w.row(c) = eta_ * policy.row(c).array() * (h.array() - policy.row(c).dot(h));
    }
    return w;
  }
  const auto as_tensor = [this, contexts](const RowMatrix& m) {
    return torch::from_blob(const_cast<double*>(m.data()), {contexts, n_}, torch::kFloat64);
  };
  const Comparisons comparisons = oracle_->Query(as_tensor(policy), as_tensor(mixtures));
  const auto responses = comparisons.responses.accessor<int64_t, 2>();
  const auto outcomes = comparisons.outcomes.accessor<double, 2>();
  const int samples = oracle_->samples();
  for (Eigen::Index c = 0; c < contexts; ++c) {
    Eigen::VectorXd reward(samples);
    for (int k = 0; k < samples; ++k) reward(k) = (outcomes[c][k] - 0.5) - pull(c, responses[c][k]);
    const double baseline = reward.mean();
    for (int k = 0; k < samples; ++k) w(c, responses[c][k]) += (reward(k) - baseline) * (eta_ / samples);
  }
  return w;
}

void FusedTrainer::Step() {
  const int contexts = static_cast<int>(parameters_.size());
  const RowMatrix& policy = policy_;
  const RowMatrix pull = beta_ * (log_policy_.rowwise() - log_reference_);
  // The feedback each rule needs, for every context at once (the oracle answers all contexts together).
  RowMatrix g, weights;
  switch (method_.rule) {
    case TargetRule::kNashMirror:
      if (method_.form == LossForm::kPolicyGradient) {
        weights = PolicyGradientWeights(pull, Mixtures());
      } else {
        g = Feedback(Mixtures());
      }
      break;
    default:
      g = oracle_ == nullptr ? payoffs_ : Feedback(policy);
  }
  if (method_.rule == TargetRule::kExtragradient) {
    // Half step from θ_t, then the payoffs of every π_{t+½} before the real step.
    RowMatrix half_policy(contexts, n_);
    ForEachContext(contexts, [&](int c) {
      double unused = 0;
      Parameters half = parameters_[c];
      AddScaled(half, Gradient(parameters_[c], activations_[c], RegressionGradient(eta_ * (g.row(c) - pull.row(c)), &unused)),
                -learning_rate_);
      const RowVectorXd half_logits = Forward(half, nullptr);
      half_policy.row(c) = (half_logits.array() - LogSumExp(half_logits)).exp();
    });
    g = Feedback(half_policy);
  }
  std::vector<double> losses(contexts, 0.0);
  ForEachContext(contexts, [&](int c) {
    RowVectorXd logit_gradient;
    switch (method_.rule) {
      case TargetRule::kMultiplicativeWeights:
        logit_gradient = RegressionGradient(eta_ * g.row(c), &losses[c]);
        break;
      case TargetRule::kOptimistic: {
        const RowVectorXd previous = has_previous_ ? RowVectorXd(previous_payoffs_.row(c)) : RowVectorXd(g.row(c));
        logit_gradient = RegressionGradient(eta_ * (2.0 * g.row(c) - previous), &losses[c]);
        break;
      }
      case TargetRule::kRegularizedMirror:
      case TargetRule::kExtragradient:
      case TargetRule::kNashMirror:
        if (method_.form == LossForm::kPolicyGradient) {
          // −scale Σ w log π_θ: d/d logits = −scale (w − π Σ w).
          const RowVectorXd w = weights.row(c);
          losses[c] += -loss_scale_ * w.dot(log_policy_.row(c));
          logit_gradient = -loss_scale_ * (w - policy.row(c) * w.sum());
        } else {
          logit_gradient = RegressionGradient(eta_ * (g.row(c) - pull.row(c)), &losses[c]);
        }
        break;
      case TargetRule::kMagneticMirror:
        logit_gradient = RegressionGradient(eta_ * (g.row(c) - pull.row(c)) / (1.0 + eta_ * beta_), &losses[c]);
        break;
    }
    AddScaled(parameters_[c], Gradient(parameters_[c], activations_[c], logit_gradient), -learning_rate_);
  });
  if (method_.rule == TargetRule::kOptimistic) {
    previous_payoffs_ = g;
    has_previous_ = true;
  }
  loss_ = 0;
  for (double l : losses) loss_ += l;
}

torch::Tensor FusedTrainer::PreviousPayoffs() const {
  if (!has_previous_) return {};
  return torch::from_blob(const_cast<double*>(previous_payoffs_.data()), {previous_payoffs_.rows(), n_},
                          torch::kFloat64)
      .clone();
}

void FusedTrainer::Restore(const torch::Tensor& previous, double loss) {
  loss_ = loss;
  has_previous_ = previous.defined();
  if (!has_previous_) return;
  const torch::Tensor p = previous.cpu().contiguous();
  previous_payoffs_ = Eigen::Map<const RowMatrix>(p.data_ptr<double>(), p.size(0), p.size(1));
}

void FusedTrainer::WriteBack() {
  auto named = network_.named_parameters();
  for (size_t c = 0; c < parameters_.size(); ++c) {
    const Parameters& p = parameters_[c];
    if (tabular_) {
      Store(named["logits"], static_cast<int64_t>(c), p.logits.data());
      continue;
    }
    Store(named["input"], static_cast<int64_t>(c), p.input.data());
    for (size_t layer = 0; layer < p.weights.size(); ++layer) {
      Store(named[fmt::format("weight{}", layer)], static_cast<int64_t>(c), p.weights[layer].data());
      Store(named[fmt::format("bias{}", layer)], static_cast<int64_t>(c), p.biases[layer].data());
    }
  }
}

}  // namespace nlhf::neural::internal
