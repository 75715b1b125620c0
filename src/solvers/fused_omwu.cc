#include "nlhf/solvers/fused_omwu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "solvers/stopping_rules.h"

namespace nlhf {

// Padded entries hold log-probability −1e300 (probability exactly 0, arithmetic still finite) and
// payoff 0, so they never change the sums, maxima or products of the real ones.
struct FusedOmwu::Small {
  using Vector = Eigen::Matrix<double, kSmall, 1>;
  int n = 0;
  Eigen::Matrix<double, kSmall, kSmall> a = Eigen::Matrix<double, kSmall, kSmall>::Zero();
  Vector log_policy = Vector::Constant(-1e300), policy = Vector::Zero(), payoffs = Vector::Zero(),
         previous_payoffs = Vector::Zero();
};

FusedOmwu::FusedOmwu(const SkewOperator& payoff, double step_size, const Eigen::VectorXd& log_policy)
    : payoff_(payoff), step_size_(step_size), log_policy_(log_policy), policy_(ToProbabilities(log_policy)) {
  const int n = payoff.n();
  if (n <= kSmall && payoff.storage() == Storage::kF64) {
    small_ = std::make_unique<Small>();
    small_->n = n;
    // The columns of A, read through the operator itself (A e_j), so every layout gives the same game.
    Eigen::VectorXd unit = Eigen::VectorXd::Zero(n), column(n);
    for (int j = 0; j < n; ++j) {
      unit[j] = 1;
      payoff.Multiply(unit.data(), column.data());
      small_->a.col(j).head(n) = column;
      unit[j] = 0;
    }
    small_->log_policy.head(n) = log_policy;
    small_->policy.head(n) = policy_;
    small_->payoffs.noalias() = small_->a * small_->policy;
    small_->previous_payoffs = small_->payoffs;
    gap_ = 2 * small_->payoffs.head(n).maxCoeff();
  } else {
    payoffs_.resize(n);
    unnormalized_.resize(n);
    payoff_.Multiply(policy_.data(), payoffs_.data());
    previous_payoffs_ = payoffs_;
    gap_ = 2 * payoffs_.maxCoeff();
  }
  min_log_ = log_policy.minCoeff();
}

FusedOmwu::~FusedOmwu() = default;

const Eigen::VectorXd& FusedOmwu::log_policy() const {
  if (small_) log_policy_ = small_->log_policy.head(small_->n);
  return log_policy_;
}

const Eigen::VectorXd& FusedOmwu::policy() const {
  if (small_) policy_ = small_->policy.head(small_->n);
  return policy_;
}

void FusedOmwu::Step() {
  if (small_) {
    // The same update as below on fixed-size arrays: every loop has a known length and vectorizes fully.
    Small& s = *small_;
    s.log_policy.array() += step_size_ * (2.0 * s.payoffs.array() - s.previous_payoffs.array());
    const double maximum = s.log_policy.maxCoeff();
    const Small::Vector unnormalized = (s.log_policy.array() - maximum).exp().matrix();
    const double total = unnormalized.sum();
    const double log_normalizer = maximum + std::log(total);
    s.log_policy.array() -= log_normalizer;
    const Small::Vector next = unnormalized / total;
    l1_change_ = (next - s.policy).lpNorm<1>();
    s.policy = next;
    min_log_ = s.log_policy.head(s.n).minCoeff();
    finite_ = std::isfinite(log_normalizer);
    s.previous_payoffs = s.payoffs;
    s.payoffs.noalias() = s.a * s.policy;
    gap_ = 2 * s.payoffs.head(s.n).maxCoeff();
    return;
  }
  // The optimistic step and the maximum for log-sum-exp, as whole-array expressions that Eigen
  // vectorizes, its exp included (a polynomial exp accurate to about an ulp: n calls to std::exp were
  // most of an iteration at n = 10).
  log_policy_.array() += step_size_ * (2.0 * payoffs_.array() - previous_payoffs_.array());
  const double maximum = log_policy_.maxCoeff();
  // exp(log π − max) serves twice, for the normalizer and for π itself: one exp per action.
  unnormalized_.array() = (log_policy_.array() - maximum).exp();
  const double total = unnormalized_.sum();
  const double log_normalizer = maximum + std::log(total);
  log_policy_.array() -= log_normalizer;
  unnormalized_ /= total;
  l1_change_ = (unnormalized_ - policy_).lpNorm<1>();
  policy_.swap(unnormalized_);
  min_log_ = log_policy_.minCoeff();
  finite_ = std::isfinite(log_normalizer);
  payoffs_.swap(previous_payoffs_);
  payoff_.Multiply(policy_.data(), payoffs_.data());
  gap_ = 2 * payoffs_.maxCoeff();
}

SolveResult SolveOmwuFused(const ZeroSumGame& game, const SkewOperator& payoff, double step_size,
                           const SolveOptions& options) {
  if (!game.symmetric() || payoff.n() != game.num_actions(0)) {
    throw InvalidArgument("fused OMWU needs a symmetric game and a payoff operator of the same size");
  }
  internal::StoppingRules rules(game, options);
  FusedOmwu omwu(payoff, step_size, InitialLogPolicies(game, options.initial)[0]);
  std::int64_t t = 0;
  double l1_change = 0;

  SolveResult result;
  const auto record = [&] {
    result.trace.push_back({t, omwu.gap(), omwu.min_log_probability(), l1_change,
                            std::numeric_limits<double>::quiet_NaN(),
                            options.trace_log_policy ? PlayerVectors{omwu.log_policy()} : PlayerVectors{}});
  };
  const bool tracing = options.trace_interval > 0;
  if (tracing) record();
  while (!rules.ShouldStop(t, omwu.gap(), omwu.finite(), omwu.min_log_probability(), l1_change,
                           [&] { return PlayerVectors{omwu.policy()}; }, result)) {
    omwu.Step();
    l1_change = omwu.l1_change();
    ++t;
    if (tracing && t % options.trace_interval == 0) record();
  }
  if (tracing && result.trace.back().iteration != t) record();

  result.iterations = t;
  if (!rules.SetPolishedAnswer(options.support_threshold, result)) {
    result.policy = {omwu.policy()};
    result.log_policy = {omwu.log_policy()};
    result.support = {Support(omwu.policy(), options.support_threshold)};
    // The certificate is computed the standard way, on the original matrix. In f64 it differs from the
    // kernel's own gap only in rounding (the product's summation order); in f32 the kernel saw A rounded,
    // and a tolerance below what that storage can certify is reported as such.
    result.duality_gap = DualityGap(game, result.policy);
    if (tracing) result.trace.back().duality_gap = result.duality_gap;
    if (payoff.storage() == Storage::kF32 && result.converged() && !(result.duality_gap <= options.gap_tolerance)) {
      result.termination = Termination::kNumericalFailure;
      result.message = fmt::format("gap {:.3g} with A stored as {}, but {:.3g} > {:.3g} in the original game: the "
                                   "tolerance is below what this storage can certify",
                                   omwu.gap(), StorageName(payoff.storage()), result.duality_gap,
                                   options.gap_tolerance);
    }
  }
  result.seconds = rules.Elapsed();
  return result;
}

}  // namespace nlhf
