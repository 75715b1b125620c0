// Regret matching+ (Tammelin 2014), what game-solving practitioners use (CFR+ at a single decision):
//     Q_{t+1} = max(0, Q_t + g_t − ⟨π_t, g_t⟩ 1),      π_{t+1} = Q_{t+1} / Σ Q_{t+1}  (uniform if Q = 0),
// with Q_0 = 0. Answers with the linearly weighted average Σ_t t·π_t / Σ_t t, which converges at
// O(1/√T) or faster in practice; the last iterate need not converge.
#ifndef NLHF_SOLVERS_REGRET_MATCHING_H_
#define NLHF_SOLVERS_REGRET_MATCHING_H_

#include <cstdint>

#include "nlhf/log_space_average.h"
#include "nlhf/solver.h"

namespace nlhf {

class RegretMatchingPlusMethod : public IterativeMethod {
 public:
  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }
  const PlayerVectors& ReturnedLogPolicy() const override { return average_.LogAverage(); }
  bool ReturnsAverage() const override { return true; }

 private:
  PlayerVectors regrets_;  // Q_t, one vector per player
  PlayerVectors log_policy_;
  LogSpaceAverage average_;
  std::int64_t iteration_ = 0;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_REGRET_MATCHING_H_
