#include "nlhf/solvers/online_ipo.h"

#include "solvers/regularized_step.h"

namespace nlhf {

void OnlineIpoMethod::Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) {
  regularization_ = {options_.beta,
                     GivenOrUniformLogPolicies(game, options_.reference_log_policy, "reference policy")};
  log_policy_ = initial_log_policy;
}

void OnlineIpoMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] = internal::RegularizedMultiplicativeStep(
        log_policy_[p], regularization_.reference_log_policy[p], payoffs[p], options_.step_size, options_.beta);
  }
}

}  // namespace nlhf
