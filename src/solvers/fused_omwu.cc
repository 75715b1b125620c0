#include "nlhf/solvers/fused_omwu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "solvers/stopping_rules.h"

namespace nlhf {

FusedOmwu::FusedOmwu(const SkewOperator& payoff, double step_size, const Eigen::VectorXd& log_policy)
    : payoff_(payoff),
      step_size_(step_size),
      log_policy_(log_policy),
      policy_(ToProbabilities(log_policy)),
      payoffs_(payoff.n()),
      unnormalized_(payoff.n()) {
  payoff_.Multiply(policy_.data(), payoffs_.data());
  previous_payoffs_ = payoffs_;
  gap_ = 2 * payoffs_.maxCoeff();
  min_log_ = log_policy_.minCoeff();
}

void FusedOmwu::Step() {
  const int n = payoff_.n();
  double* lp = log_policy_.data();
  double* p = policy_.data();
  double* e = unnormalized_.data();
  const double* g = payoffs_.data();
  double* g_previous = previous_payoffs_.data();
  // The optimistic step and the running maximum for log-sum-exp.
  double maximum = -std::numeric_limits<double>::infinity();
  for (int a = 0; a < n; ++a) {
    lp[a] += step_size_ * (2.0 * g[a] - g_previous[a]);
    maximum = std::max(maximum, lp[a]);
  }
  // exp(log π − max) serves twice, for the normalizer and for π itself: one exp per action.
  double total = 0;
  for (int a = 0; a < n; ++a) {
    e[a] = std::exp(lp[a] - maximum);
    total += e[a];
  }
  const double log_normalizer = maximum + std::log(total);
  const double inverse_total = 1.0 / total;
  l1_change_ = 0;
  min_log_ = std::numeric_limits<double>::infinity();
  for (int a = 0; a < n; ++a) {
    lp[a] -= log_normalizer;
    const double next = e[a] * inverse_total;
    l1_change_ += std::abs(next - p[a]);
    p[a] = next;
    min_log_ = std::min(min_log_, lp[a]);
  }
  finite_ = std::isfinite(log_normalizer);
  std::swap(payoffs_, previous_payoffs_);
  payoff_.Multiply(p, payoffs_.data());
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
    // In f64 the operator holds A exactly, so its gap is the certificate (and equals the trace's); in f32
    // the iterations saw A rounded, and the certificate comes from the original matrix.
    result.duality_gap = payoff.storage() == Storage::kF64 ? omwu.gap() : DualityGap(game, result.policy);
    if (result.converged() && !(result.duality_gap <= options.gap_tolerance)) {
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
