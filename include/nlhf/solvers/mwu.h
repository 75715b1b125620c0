// Multiplicative Weights Update (MWU; online mirror descent with the entropy regularizer), and SPPO.
//
//     log π_{t+1} = log π_t + η g_t − log Z_{t+1},      g_t = Aπ_t (two players: A y and −Aᵀx).
// Its last iterate cycles around the equilibrium and does not converge in zero-sum games; its uniform
// average (1/(T+1)) Σ_{t=0..T} π_t converges at O(1/√T) (Freund & Schapire 1999). The average is
// accumulated in log space (log-add-exp) so that tiny probabilities are not lost.
// SPPO's exact tabular update (Wu et al. 2024) is this one: its payoff P(y ≻ π_t) − 1/2 is g_t.
#ifndef NLHF_SOLVERS_MWU_H_
#define NLHF_SOLVERS_MWU_H_

#include "nlhf/solver.h"
#include "nlhf/log_space_average.h"

namespace nlhf {

struct MwuOptions {
  double step_size = 0.1;       // η > 0
  bool return_average = false;  // answer with the average iterate instead of the last
};

class MwuMethod : public IterativeMethod {
 public:
  explicit MwuMethod(const MwuOptions& options) : options_(options) {}
  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }
  const PlayerVectors& ReturnedLogPolicy() const override;
  bool ReturnsAverage() const override { return options_.return_average; }

 private:
  MwuOptions options_;
  PlayerVectors log_policy_;
  LogSpaceAverage average_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_MWU_H_
