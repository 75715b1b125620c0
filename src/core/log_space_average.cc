#include "nlhf/log_space_average.h"

#include <algorithm>
#include <cmath>

namespace nlhf {
namespace {

// accumulator ← log(exp(accumulator) + exp(term)) elementwise, exact for −inf entries.
void LogAddExpInPlace(Eigen::VectorXd& accumulator, const Eigen::VectorXd& term) {
  for (Eigen::Index i = 0; i < accumulator.size(); ++i) {
    const double high = std::max(accumulator[i], term[i]);
    const double low = std::min(accumulator[i], term[i]);
    accumulator[i] = std::isinf(low) ? high : high + std::log1p(std::exp(low - high));
  }
}

}  // namespace

void LogSpaceAverage::Reset(const PlayerVectors& log_policy, double weight) {
  log_weighted_sum_ = log_policy;
  for (auto& v : log_weighted_sum_) v.array() += std::log(weight);
  log_average_ = log_policy;
  total_weight_ = weight;
}

void LogSpaceAverage::Add(const PlayerVectors& log_policy, double weight) {
  total_weight_ += weight;
  const double log_weight = std::log(weight);
  const double log_total = std::log(total_weight_);
  for (size_t p = 0; p < log_policy.size(); ++p) {
    LogAddExpInPlace(log_weighted_sum_[p], (log_policy[p].array() + log_weight).matrix());
    log_average_[p] = log_weighted_sum_[p].array() - log_total;
  }
}

}  // namespace nlhf
