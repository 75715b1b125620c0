#include "neural/autograd_backend.h"

#include <cmath>

#include "neural/context_group.h"
#include "neural/on_policy_feedback.h"
#include "neural/regression_target.h"
#include "nlhf/error.h"

namespace nlhf::neural::internal {
namespace {

RowMatrix ToEigen(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().cpu().contiguous();
  return Eigen::Map<const RowMatrix>(c.data_ptr<double>(), c.size(0), c.size(1));
}

}  // namespace

AutogradBackend::AutogradBackend(const TrainProblem& problem, torch::optim::Optimizer& optimizer)
    : problem_(problem), optimizer_(optimizer) {
  const torch::Tensor a = problem.payoff.cpu().contiguous();
  const int contexts = static_cast<int>(a.size(0));
  const int n = static_cast<int>(a.size(1));
  for (int c = 0; c < contexts; ++c) {
    payoff_matrices_.push_back(Eigen::Map<const RowMatrix>(a[c].data_ptr<double>(), n, n));
  }
  const Eigen::RowVectorXd& reference = problem.log_reference;
  log_reference_ = torch::from_blob(const_cast<double*>(reference.data()), {1, n}, torch::kFloat64)
                       .to(problem.payoff.device())
                       .expand({contexts, n})
                       .clone();
}

torch::Tensor AutogradBackend::Logits() {
  return problem_.network.ContextLogits(problem_.first_context, problem_.payoff.size(0));
}

void AutogradBackend::SumGradients() {
  if (problem_.group != nullptr) problem_.group->SumGradients(problem_.network.parameters());
}

void AutogradBackend::Evaluate() {
  log_policy_ = torch::log_softmax(Logits(), 1);
  log_pi_t_ = log_policy_.detach();
  pi_t_ = log_pi_t_.exp();
  exact_payoff_ = torch::Tensor();
  if (!problem_.sampled_feedback) {
    torch::NoGradGuard no_grad;
    exact_payoff_ = problem_.oracle.ExactPayoffs(pi_t_);
  }
}

RowMatrix AutogradBackend::LogPolicy() const { return ToEigen(log_pi_t_); }

// A·π per context in Eigen, for the certificate: LibTorch's BLAS matrix products may round differently
// from run to run (seen on subnormal gaps), and the trace must repeat exactly.
RowMatrix AutogradBackend::Payoffs() const {
  const RowMatrix log_pi = LogPolicy();
  RowMatrix payoffs(log_pi.rows(), log_pi.cols());
  for (Eigen::Index c = 0; c < log_pi.rows(); ++c) {
    payoffs.row(c) = (payoff_matrices_[c] * log_pi.row(c).array().exp().matrix().transpose()).transpose();
  }
  return payoffs;
}

bool AutogradBackend::PolicyFinite() const { return torch::isfinite(log_pi_t_).all().item<bool>(); }

double AutogradBackend::Loss() const { return last_loss_.defined() ? last_loss_.item<double>() : restored_loss_; }

void AutogradBackend::Restore(const torch::Tensor& previous_payoffs, double loss) {
  previous_payoff_ = previous_payoffs;
  restored_loss_ = loss;
}

// The feedback A·q: the exact payoffs of Evaluate() when q is π_t and feedback is exact, else the oracle's.
torch::Tensor AutogradBackend::FeedbackAt(const torch::Tensor& policy, bool policy_is_current) {
  return policy_is_current && exact_payoff_.defined() ? exact_payoff_ : problem_.oracle.Payoffs(policy);
}

torch::Tensor AutogradBackend::Pull() const { return problem_.beta * (log_pi_t_ - log_reference_); }

// μ_t ∝ π_t^{1−ηβ} π_ref^{ηβ}.
torch::Tensor AutogradBackend::Mixture() const {
  const double eta_beta = problem_.step_size * problem_.beta;
  return torch::softmax((1.0 - eta_beta) * log_pi_t_ + eta_beta * log_reference_, 1);
}

// The target T_t of the regression methods (methods.h) with exact (or importance-sampled) payoffs.
torch::Tensor AutogradBackend::Target() {
  const TargetRule rule = problem_.method.rule;
  const torch::Tensor g = rule == TargetRule::kNashMirror ? FeedbackAt(Mixture(), false) : FeedbackAt(pi_t_, true);
  torch::Tensor previous;
  if (rule == TargetRule::kOptimistic) {
    previous = previous_payoff_.defined() ? previous_payoff_ : g;
    previous_payoff_ = g;
  }
  return TargetFrom(rule, problem_.step_size, problem_.beta, g, previous,
                    problem_.method.regularized ? Pull() : torch::Tensor());
}

// Nash-MD-PG: −Σ_y w_y log π_θ(y) with w = η π_t ⊙ (h − ⟨π_t, h⟩), h = A μ_t − β log(π_t/π_ref); with
// sampled feedback w is its REINFORCE estimate from y ~ π_t, y′ ~ μ_t and a mean baseline.
torch::Tensor AutogradBackend::PolicyGradientWeights() {
  torch::NoGradGuard no_grad;
  const double eta = problem_.step_size;
  const torch::Tensor mixture = Mixture();
  if (!problem_.sampled_feedback) {
    const torch::Tensor h = problem_.oracle.ExactPayoffs(mixture) - Pull();
    return eta * pi_t_ * (h - (pi_t_ * h).sum(1, /*keepdim=*/true));
  }
  PreferenceOracle& oracle = problem_.oracle;
  const Comparisons comparisons = oracle.Query(pi_t_, mixture);
  const torch::Tensor reward = (comparisons.outcomes - 0.5) - Pull().cpu().gather(1, comparisons.responses);
  const torch::Tensor advantage = reward - reward.mean(1, /*keepdim=*/true);
  return torch::zeros_like(pi_t_, torch::TensorOptions().device(torch::kCPU))
      .scatter_add_(1, comparisons.responses, advantage * (eta / oracle.samples()))
      .to(pi_t_.device());
}

// The targets of methods.h with ĝ for g at the drawn responses: OMWU's g_{t−1}(y_i) is estimated against
// the responses drawn at t − 1 (from π_{t−1}), Nash-MD's A μ_t against K responses drawn from μ_t.
torch::Tensor AutogradBackend::OnPolicyTarget(torch::Tensor& responses) {
  torch::NoGradGuard no_grad;
  PreferenceOracle& oracle = problem_.oracle;
  const TargetRule rule = problem_.method.rule;
  if (rule == TargetRule::kExtragradient) {
    throw InvalidArgument("egpo takes exact feedback on sequence games");  // refused by Train() before
  }
  responses = oracle.Draw(pi_t_, oracle.samples());
  const torch::Tensor g = rule == TargetRule::kNashMirror
                              ? PayoffsAgainst(ComparerOf(oracle), responses, oracle.Draw(Mixture(), oracle.samples()))
                              : LeaveOneOutPayoffs(ComparerOf(oracle), responses);
  torch::Tensor previous;
  if (rule == TargetRule::kOptimistic) {
    previous = previous_payoff_.defined() ? PayoffsAgainst(ComparerOf(oracle), responses, previous_payoff_.cpu()) : g;
    previous_payoff_ = responses;
  }
  const torch::Tensor pull =
      problem_.method.regularized ? Pull().gather(1, responses.to(pi_t_.device())).cpu() : torch::Tensor();
  return TargetFrom(rule, problem_.step_size, problem_.beta, g, previous, pull).to(pi_t_.device());
}

torch::Tensor AutogradBackend::Loss(const torch::Tensor& log_policy, const torch::Tensor& target,
                                    const torch::Tensor& responses) const {
  if (!responses.defined()) {
    return problem_.loss_scale * RegressionLoss(problem_.method.form, (log_policy - log_pi_t_) - target);
  }
  const torch::Tensor drawn = responses.to(log_policy.device());
  const torch::Tensor residual = (log_policy.gather(1, drawn) - log_pi_t_.gather(1, drawn)) - target;
  return problem_.loss_scale * RegressionLoss(problem_.method.form, residual) / static_cast<double>(drawn.size(1));
}

void AutogradBackend::Step() {
  torch::Tensor loss, target, responses;
  if (problem_.method.form == LossForm::kPolicyGradient) {
    loss = -problem_.loss_scale * (PolicyGradientWeights() * log_policy_).sum();
  } else if (problem_.on_policy) {
    target = OnPolicyTarget(responses);
    loss = Loss(log_policy_, target, responses);
  } else {
    {
      torch::NoGradGuard no_grad;
      target = Target();
    }
    loss = Loss(log_policy_, target, responses);
    if (problem_.method.rule == TargetRule::kExtragradient) loss = ExtragradientLoss(loss);
  }
  optimizer_.zero_grad();
  loss.backward();
  SumGradients();
  optimizer_.step();
  last_loss_ = loss.detach();
  // --fit-steps: further steps toward the same target, each from the parameters the last one left (the
  // reported loss stays the first step's, at θ_t). EGPO's second target depends on θ_t, so it takes one.
  if (target.defined() && problem_.method.rule != TargetRule::kExtragradient) {
    for (int k = 1; k < problem_.fit_steps; ++k) {
      optimizer_.zero_grad();
      Loss(torch::log_softmax(Logits(), 1), target, responses).backward();
      SumGradients();
      optimizer_.step();
    }
  }
}

// EGPO: a plain gradient half step from θ_t on the first loss, the payoffs of π_{t+½}, then the loss
// whose target uses them, at the saved θ_t (the optimizer then takes the real step from θ_t).
torch::Tensor AutogradBackend::ExtragradientLoss(const torch::Tensor& half_step_loss) {
  std::vector<torch::Tensor> saved;
  std::vector<torch::Tensor> parameters = problem_.network.parameters();
  optimizer_.zero_grad();
  half_step_loss.backward();
  SumGradients();
  torch::Tensor target;
  {
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : parameters) {
      saved.push_back(p.detach().clone());
      p.sub_(p.grad(), problem_.learning_rate);
    }
    const torch::Tensor half_policy = torch::softmax(Logits(), 1);
    target = problem_.step_size * (FeedbackAt(half_policy, false) - Pull());
    for (size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(saved[i]);
  }
  return Loss(torch::log_softmax(Logits(), 1), target, torch::Tensor());
}

}  // namespace nlhf::neural::internal
