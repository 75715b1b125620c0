#include "nlhf/solvers/mwu.h"

namespace nlhf {

void MwuMethod::Reset(const ZeroSumGame& /*game*/, const PlayerVectors& initial_log_policy) {
  log_policy_ = initial_log_policy;
  average_.Reset(initial_log_policy);
}

void MwuMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] += options_.step_size * payoffs[p];
    NormalizeLogPolicy(log_policy_[p]);
  }
  if (options_.return_average) average_.Add(log_policy_);
}

const PlayerVectors& MwuMethod::ReturnedLogPolicy() const {
  return options_.return_average ? average_.LogAverage() : log_policy_;
}

}  // namespace nlhf
