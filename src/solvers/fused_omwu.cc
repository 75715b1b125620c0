#include "nlhf/solvers/fused_omwu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "solvers/stopping_rules.h"

namespace nlhf {

// Padded entries hold log-weight −1e300 (probability exactly 0, arithmetic still finite) and payoff 0,
// so they never change the sums, maxima or products of the real ones.
//
// The iteration is a chain of dependent steps, so its length is its latency. To shorten it: log π_t =
// log_weight − log_total is kept unnormalized, the product is taken on the unnormalized weights
// u = exp(log_weight) and scaled by 1/Σu afterwards, and the normalizer's division and logarithm run
// beside the product instead of before it. No max-shift is needed before exp: log_weight is log π_{t−1}
// (at most 0, at least −log n for its largest entry) plus η(2g_t − g_{t−1}), whose entries lie within
// ±1.5η, so exp neither overflows nor underflows to an all-zero vector while η <= kMaxSmallStep.
struct FusedOmwu::Small {
  using Vector = Eigen::Matrix<double, kSmall, 1>;
  int n = 0;
  Eigen::Matrix<double, kSmall, kSmall> a = Eigen::Matrix<double, kSmall, kSmall>::Zero();
  Vector log_weight = Vector::Constant(-1e300), weight = Vector::Zero(), previous_weight = Vector::Zero(),
         payoffs = Vector::Zero(), previous_payoffs = Vector::Zero();
  double total = 1, previous_total = 1, log_total = 0;  // Σ weight and its log

  // y = A·weight in four independent sums so that the additions do not wait on each other (one running
  // sum is a chain of dependent fused multiply-adds). Unrolled over all kSmall columns (the padded ones
  // are zero): with a compile-time index the compiler takes x[j] from registers instead of storing the
  // vector and reloading its entries (measured at n = 10: 61 ns per iteration against 65 with the loop
  // over the n real columns).
  Vector Multiply(const Vector& x) const {
    Vector sums[4] = {Vector::Zero(), Vector::Zero(), Vector::Zero(), Vector::Zero()};
#pragma GCC unroll 16
    for (int j = 0; j < kSmall; ++j) sums[j & 3].noalias() += a.col(j) * x[j];
    return (sums[0] + sums[1]) + (sums[2] + sums[3]);
  }
};

FusedOmwu::FusedOmwu(const SkewOperator& payoff, double step_size, const Eigen::VectorXd& log_policy)
    : payoff_(payoff), step_size_(step_size), log_policy_(log_policy), policy_(ToProbabilities(log_policy)) {
  const int n = payoff.n();
  if (n <= kSmall && payoff.storage() == Storage::kF64 && step_size <= kMaxSmallStep) {
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
    small_->log_weight.head(n) = log_policy.array() - log_policy.maxCoeff();
    small_->weight = small_->log_weight.array().exp();
    small_->total = small_->previous_total = small_->weight.sum();
    small_->log_total = std::log(small_->total);
    small_->previous_weight = small_->weight;
    small_->payoffs = small_->Multiply(small_->weight) / small_->total;
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
  if (small_) log_policy_ = small_->log_weight.head(small_->n).array() - small_->log_total;
  return log_policy_;
}

double FusedOmwu::min_log_probability() const {
  return small_ ? small_->log_weight.head(small_->n).minCoeff() - small_->log_total : min_log_;
}

double FusedOmwu::l1_change() const {
  if (!small_) return l1_change_;
  const Small& s = *small_;
  return (s.weight / s.total - s.previous_weight / s.previous_total).lpNorm<1>();
}

const Eigen::VectorXd& FusedOmwu::policy() const {
  if (small_) policy_ = small_->weight.head(small_->n) / small_->total;
  return policy_;
}

void FusedOmwu::Step() {
  if (small_) {
    // The same update as below on fixed-size arrays (every loop has a known length and vectorizes
    // fully), ordered for latency (see Small).
    Small& s = *small_;
    s.log_weight.array() += step_size_ * (2.0 * s.payoffs.array() - s.previous_payoffs.array()) - s.log_total;
    s.previous_weight = s.weight;
    s.previous_total = s.total;
    s.weight = s.log_weight.array().exp();
    const Small::Vector product = s.Multiply(s.weight);
    s.total = s.weight.sum();
    s.log_total = std::log(s.total);
    finite_ = std::isfinite(s.log_total);
    s.previous_payoffs = s.payoffs;
    s.payoffs = product * (1.0 / s.total);
    gap_ = 2 * s.payoffs.maxCoeff();  // padded payoffs are 0, and max_a (Aπ)_a >= πᵀAπ = 0
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
