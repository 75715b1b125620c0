#include "nlhf/solvers/ogda.h"

#include <algorithm>
#include <functional>

namespace nlhf {

Eigen::VectorXd ProjectOntoSimplex(const Eigen::VectorXd& v) {
  // The projection is max(v − τ, 0) with τ chosen so that the result sums to one; τ is found from the
  // entries sorted in decreasing order.
  std::vector<double> sorted(v.data(), v.data() + v.size());
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double cumulative = 0;
  double tau = 0;
  for (size_t k = 0; k < sorted.size(); ++k) {
    cumulative += sorted[k];
    const double candidate = (cumulative - 1.0) / static_cast<double>(k + 1);
    if (sorted[k] - candidate > 0) tau = candidate;
  }
  return (v.array() - tau).max(0.0).matrix();
}

void OgdaMethod::Reset(const ZeroSumGame& /*game*/, const PlayerVectors& initial_log_policy) {
  log_policy_ = initial_log_policy;
  policy_ = ToProbabilities(initial_log_policy);
  previous_payoffs_.clear();
}

void OgdaMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  if (previous_payoffs_.empty()) previous_payoffs_ = payoffs;  // g_{−1} = g_0
  for (size_t p = 0; p < policy_.size(); ++p) {
    policy_[p] = ProjectOntoSimplex(policy_[p] + options_.step_size * (2.0 * payoffs[p] - previous_payoffs_[p]));
    log_policy_[p] = ToLogPolicy(policy_[p]);
  }
  previous_payoffs_ = payoffs;
}

}  // namespace nlhf
