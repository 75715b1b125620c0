#include "nlhf/solvers/online_ipo.h"

#include "solvers/regularized_step.h"

namespace nlhf {

void OnlineIpoMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] = internal::RegularizedMultiplicativeStep(
        log_policy_[p], reference()[p], payoffs[p], options_.step_size, options_.beta);
  }
}

}  // namespace nlhf
