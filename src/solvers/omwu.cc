#include "nlhf/solvers/omwu.h"

namespace nlhf {

void OmwuMethod::Reset(const ZeroSumGame& /*game*/, const PlayerVectors& initial_log_policy) {
  log_policy_ = initial_log_policy;
  previous_payoffs_.clear();
}

void OmwuMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  // g_{−1} = g_0: the first step is a plain MWU step.
  if (previous_payoffs_.empty()) previous_payoffs_ = payoffs;
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] += options_.step_size * (2.0 * payoffs[p] - previous_payoffs_[p]);
    NormalizeLogPolicy(log_policy_[p]);
  }
  previous_payoffs_ = payoffs;
}

}  // namespace nlhf
