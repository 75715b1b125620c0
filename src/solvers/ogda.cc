#include "nlhf/solvers/ogda.h"

namespace nlhf {

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
