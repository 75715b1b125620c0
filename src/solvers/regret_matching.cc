#include "nlhf/solvers/regret_matching.h"

namespace nlhf {

void RegretMatchingPlusMethod::Reset(const ZeroSumGame& /*game*/, const PlayerVectors& initial_log_policy) {
  log_policy_ = initial_log_policy;
  regrets_.clear();
  for (const auto& l : initial_log_policy) regrets_.push_back(Eigen::VectorXd::Zero(l.size()));
  iteration_ = 0;
  // Linear averaging weights π_t by t, so the start (t = 0) carries no weight; it seeds the average
  // with a negligible weight only so that the average is defined before the first step.
  average_.Reset(initial_log_policy, 1e-300);
}

void RegretMatchingPlusMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  ++iteration_;
  for (size_t p = 0; p < regrets_.size(); ++p) {
    const double expected = ToProbabilities(log_policy_[p]).dot(payoffs[p]);
    regrets_[p] = (regrets_[p].array() + payoffs[p].array() - expected).max(0.0).matrix();
    const double total = regrets_[p].sum();
    log_policy_[p] = total > 0 ? ToLogPolicy(Eigen::VectorXd(regrets_[p] / total))
                               : UniformLogPolicy(static_cast<int>(regrets_[p].size()));
  }
  average_.Add(log_policy_, static_cast<double>(iteration_));
}

}  // namespace nlhf
