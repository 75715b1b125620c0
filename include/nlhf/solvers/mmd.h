// Magnetic mirror descent (MMD; Sokota et al. 2023, "A unified approach to reinforcement learning,
// quantal response equilibria, and two-player zero-sum games"), entropic form with magnet π_ref:
//
//     log π_{t+1} = (log π_t + ηβ log π_ref + η g_t) / (1 + ηβ) − log Z,      g_t = Aπ_t.
// The last iterate converges linearly to the β-regularized NE (the quantal response equilibrium).
#ifndef NLHF_SOLVERS_MMD_H_
#define NLHF_SOLVERS_MMD_H_

#include <utility>

#include "nlhf/solver.h"
#include "nlhf/solvers/regularized_method.h"

namespace nlhf {

struct MmdOptions {
  double step_size = 1.0;             // η > 0
  double beta = 0.05;                 // β > 0 (magnet strength)
  PlayerVectors reference_log_policy;  // log π_ref (the magnet); empty: uniform
};

class MmdMethod : public RegularizedMethod {
 public:
  explicit MmdMethod(MmdOptions options)
      : RegularizedMethod(options.beta, options.reference_log_policy), options_(std::move(options)) {}
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;

 private:
  MmdOptions options_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_MMD_H_
