// Optimistic Multiplicative Weights Update (OMWU), the method nlhf exists for.
//
// Self-play form with payoff g_t = Aπ_t (two players: g = A y for the row, −Aᵀx for the column):
//     log π_{t+1} = log π_t + η (2 g_t − g_{t−1}) − log Z_{t+1},      g_{−1} = g_0,
// carried out on log-probabilities with log-sum-exp normalization.
// Converges in the LAST iterate, linearly in duality gap after a burn-in, whenever an NE with full
// support exists (arXiv 2512.24818); during burn-in rarely played actions may fall to probabilities far
// below 1e-300 and climb back, which is why the state is kept in log space.
#ifndef NLHF_SOLVERS_OMWU_H_
#define NLHF_SOLVERS_OMWU_H_

#include "nlhf/solver.h"

namespace nlhf {

struct OmwuOptions {
  double step_size = 1.0;  // η > 0; for payoffs beyond [−1/2, 1/2] scale it to about 1/(2·max|A|)
};

class OmwuMethod : public IterativeMethod {
 public:
  explicit OmwuMethod(const OmwuOptions& options) : options_(options) {}
  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }

 private:
  OmwuOptions options_;
  PlayerVectors log_policy_;
  PlayerVectors previous_payoffs_;  // g_{t−1}; empty before the first step, when g_{−1} = g_0
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_OMWU_H_
