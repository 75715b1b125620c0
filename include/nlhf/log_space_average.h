// A weighted average of policies kept in log space, so that probabilities far below 1e-300 are averaged
// exactly instead of underflowing: log Σ_s w_s π_s is accumulated with log-add-exp.
#ifndef NLHF_LOG_SPACE_AVERAGE_H_
#define NLHF_LOG_SPACE_AVERAGE_H_

#include "nlhf/policy.h"

namespace nlhf {

class LogSpaceAverage {
 public:
  // Starts the average at `log_policy` with the given weight.
  void Reset(const PlayerVectors& log_policy, double weight = 1.0);
  void Add(const PlayerVectors& log_policy, double weight = 1.0);
  // log of (Σ_s w_s π_s) / (Σ_s w_s).
  const PlayerVectors& LogAverage() const { return log_average_; }

 private:
  PlayerVectors log_weighted_sum_;
  PlayerVectors log_average_;
  double total_weight_ = 0;
};

}  // namespace nlhf

#endif  // NLHF_LOG_SPACE_AVERAGE_H_
