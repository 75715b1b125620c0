#include "nlhf/solvers/mwu.h"

#include <cmath>

namespace nlhf {
namespace {

// log(exp(a) + exp(b)) elementwise, exact for −inf entries.
void LogAddExpInPlace(Eigen::VectorXd& accumulator, const Eigen::VectorXd& term) {
  for (Eigen::Index i = 0; i < accumulator.size(); ++i) {
    const double high = std::max(accumulator[i], term[i]);
    const double low = std::min(accumulator[i], term[i]);
    accumulator[i] = std::isinf(low) ? high : high + std::log1p(std::exp(low - high));
  }
}

}  // namespace

void MwuMethod::Reset(const ZeroSumGame& /*game*/, const PlayerVectors& initial_log_policy) {
  log_policy_ = initial_log_policy;
  log_sum_ = initial_log_policy;
  log_average_ = initial_log_policy;
  count_ = 1;
}

void MwuMethod::Step(const ZeroSumGame& /*game*/, const PlayerVectors& payoffs) {
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] += options_.step_size * payoffs[p];
    NormalizeLogPolicy(log_policy_[p]);
  }
  if (options_.return_average) AccumulateAverage();
}

void MwuMethod::AccumulateAverage() {
  ++count_;
  const double log_count = std::log(static_cast<double>(count_));
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    LogAddExpInPlace(log_sum_[p], log_policy_[p]);
    log_average_[p] = log_sum_[p].array() - log_count;
  }
}

const PlayerVectors& MwuMethod::ReturnedLogPolicy() const {
  return options_.return_average ? log_average_ : log_policy_;
}

}  // namespace nlhf
