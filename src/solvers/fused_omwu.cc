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
// The iteration is a short sequence of dependent vector steps, and at n = 10 its cost is its instruction
// count and latency, not memory. So: log π = log_weight − log(total) is kept unnormalized (the logarithm
// is taken only when asked for, and log_weight shifted by log(total) every few iterations); the product
// is taken on the unnormalized weights u = exp(log_weight) and scaled by 1/Σu afterwards, so the sum and
// the division run beside it; no max-shift is needed before exp, as log_weight stays within a few
// hundred of 0 between shifts (see renormalize_every). Measured at n = 10 (nlhf bench, one after
// another): 106 ns per iteration before, 61 with the product reordered and unrolled, 51 without the
// per-iteration logarithm.
struct FusedOmwu::Small {
  using Vector = Eigen::Matrix<double, kSmall, 1>;
  int n = 0;
  Eigen::Matrix<double, kSmall, kSmall> a = Eigen::Matrix<double, kSmall, kSmall>::Zero();
  Vector log_weight = Vector::Constant(-1e300), weight = Vector::Zero(), previous_weight = Vector::Zero(),
         payoffs = Vector::Zero(), previous_payoffs = Vector::Zero();
  double total = 1, previous_total = 1;  // Σ weight
  // log π = log_weight − log(total): the log is taken only when asked for, and log_weight is shifted by
  // log(total) every `renormalize_every` iterations, often enough that exp stays far from its range.
  int renormalize_every = 1, since_renormalized = 0;

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
    // Between shifts the largest log-weight moves by at most |η(2g − g')| <= 3η·max|A| per iteration;
    // allow 300 of exp's ±709 range for the drift.
    const double drift = 3 * step_size * small_->a.cwiseAbs().maxCoeff();
    small_->renormalize_every = std::clamp(static_cast<int>(300 / std::max(drift, 1e-300)), 1, 32);
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
  if (small_) log_policy_ = small_->log_weight.head(small_->n).array() - std::log(small_->total);
  return log_policy_;
}

double FusedOmwu::min_log_probability() const {
  return small_ ? small_->log_weight.head(small_->n).minCoeff() - std::log(small_->total) : min_log_;
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
    s.log_weight.array() += step_size_ * (2.0 * s.payoffs.array() - s.previous_payoffs.array());
    if (++s.since_renormalized == s.renormalize_every) {
      s.log_weight.array() -= std::log(s.total);
      s.since_renormalized = 0;
    }
    s.previous_weight = s.weight;
    s.previous_total = s.total;
    s.weight = s.log_weight.array().exp();
    const Small::Vector product = s.Multiply(s.weight);
    s.total = s.weight.sum();
    finite_ = std::isfinite(s.total) && s.total > 0;
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
