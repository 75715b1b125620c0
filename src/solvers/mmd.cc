#include "nlhf/solvers/mmd.h"

namespace nlhf {

void MmdMethod::Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) {
  regularization_ = {options_.beta,
                     GivenOrUniformLogPolicies(game, options_.reference_log_policy, "reference policy")};
  log_policy_ = initial_log_policy;
}

void MmdMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  const double eta_beta = options_.step_size * options_.beta;
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] = (log_policy_[p] + eta_beta * regularization_.reference_log_policy[p] +
                      options_.step_size * payoffs[p]) /
                     (1.0 + eta_beta);
    NormalizeLogPolicy(log_policy_[p]);
  }
}

}  // namespace nlhf
