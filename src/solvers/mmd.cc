#include "nlhf/solvers/mmd.h"

namespace nlhf {

void MmdMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  const double eta_beta = options_.step_size * options_.beta;
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] = (log_policy_[p] + eta_beta * reference()[p] +
                      options_.step_size * payoffs[p]) /
                     (1.0 + eta_beta);
    NormalizeLogPolicy(log_policy_[p]);
  }
}

}  // namespace nlhf
