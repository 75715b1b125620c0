#include "nlhf/solvers/fused_omwu.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "solvers/stopping_rules.h"

namespace nlhf {

SolveResult SolveOmwuFused(const ZeroSumGame& game, const SkewOperator& payoff, double step_size,
                           const SolveOptions& options) {
  if (!game.symmetric() || payoff.n() != game.num_actions(0)) {
    throw InvalidArgument("fused OMWU needs a symmetric game and a payoff operator of the same size");
  }
  internal::StoppingRules rules(game, options);
  const int n = payoff.n();
  Eigen::VectorXd log_policy = InitialLogPolicies(game, options.initial)[0];
  Eigen::VectorXd policy = ToProbabilities(log_policy);
  Eigen::VectorXd y(n), previous_y(n);
  payoff.Multiply(policy.data(), y.data());
  double gap = 2 * y.maxCoeff();
  double min_log = log_policy.minCoeff();
  double l1_change = 0;
  bool finite = true;
  std::int64_t t = 0;

  SolveResult result;
  const auto record = [&] {
    result.trace.push_back({t, gap, min_log, l1_change, std::numeric_limits<double>::quiet_NaN(),
                            options.trace_log_policy ? PlayerVectors{log_policy} : PlayerVectors{}});
  };
  const bool tracing = options.trace_interval > 0;
  if (tracing) record();
  previous_y = y;  // g_{−1} = g_0

  Eigen::VectorXd unnormalized_storage(n);
  double* unnormalized = unnormalized_storage.data();
  double* lp = log_policy.data();
  double* p = policy.data();
  const double* g = y.data();
  double* g_previous = previous_y.data();
  while (!rules.ShouldStop(t, gap, finite, min_log, l1_change, [&] { return PlayerVectors{policy}; }, result)) {
    // Sweep 1: the optimistic step and the running maximum for log-sum-exp.
    double maximum = -std::numeric_limits<double>::infinity();
    for (int a = 0; a < n; ++a) {
      lp[a] += step_size * (2.0 * g[a] - g_previous[a]);
      maximum = std::max(maximum, lp[a]);
    }
    // exp(log π − max) serves twice, for the normalizer and for π itself: one exp per action.
    double total = 0;
    for (int a = 0; a < n; ++a) {
      unnormalized[a] = std::exp(lp[a] - maximum);
      total += unnormalized[a];
    }
    const double log_normalizer = maximum + std::log(total);
    const double inverse_total = 1.0 / total;
    // Sweep 2: normalize and measure the change.
    l1_change = 0;
    min_log = std::numeric_limits<double>::infinity();
    for (int a = 0; a < n; ++a) {
      lp[a] -= log_normalizer;
      const double next = unnormalized[a] * inverse_total;
      l1_change += std::abs(next - p[a]);
      p[a] = next;
      min_log = std::min(min_log, lp[a]);
    }
    finite = std::isfinite(log_normalizer);
    std::copy(g, g + n, g_previous);
    payoff.Multiply(p, y.data());
    gap = 2 * *std::max_element(g, g + n);
    ++t;
    if (tracing && t % options.trace_interval == 0) record();
  }
  if (tracing && result.trace.back().iteration != t) record();

  result.iterations = t;
  if (rules.polished()) {
    SetFinalProbabilities(game, rules.polished()->probabilities, options.support_threshold, result);
    result.polished = true;
  } else {
    result.policy = {policy};
    result.log_policy = {log_policy};
    result.support = {Support(policy, options.support_threshold)};
    // In f64 the operator holds A exactly, so its gap is the certificate (and equals the trace's); in f32
    // the iterations saw A rounded, and the certificate comes from the original matrix.
    result.duality_gap = payoff.storage() == Storage::kF64 ? gap : DualityGap(game, result.policy);
    if (result.converged() && !(result.duality_gap <= options.gap_tolerance)) {
      result.termination = Termination::kNumericalFailure;
      result.message = fmt::format("gap {:.3g} with A stored as {}, but {:.3g} > {:.3g} in the original game: the "
                                   "tolerance is below what this storage can certify",
                                   gap, StorageName(payoff.storage()), result.duality_gap, options.gap_tolerance);
    }
  }
  result.seconds = rules.Elapsed();
  return result;
}

}  // namespace nlhf
