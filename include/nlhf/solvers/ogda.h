// Optimistic gradient descent–ascent (OGDA; Popov 1980, Daskalakis et al. 2018), Euclidean, projected
// onto the simplex:
//     π_{t+1} = Π_Δ(π_t + η (2 g_t − g_{t−1})),      g_{−1} = g_0.
// Its last iterate converges (linearly on polytopes, Wei et al. 2021) for η small enough. Probabilities
// reach exactly 0 on the boundary, so its log-policy holds −inf there.
#ifndef NLHF_SOLVERS_OGDA_H_
#define NLHF_SOLVERS_OGDA_H_

#include "nlhf/solver.h"

namespace nlhf {

struct OgdaOptions {
  double step_size = 0.1;  // η > 0; stable for η < 1/(2‖A‖₂)
};

class OgdaMethod : public IterativeMethod {
 public:
  explicit OgdaMethod(const OgdaOptions& options) : options_(options) {}
  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }

 private:
  OgdaOptions options_;
  PlayerVectors policy_;
  PlayerVectors log_policy_;
  PlayerVectors previous_payoffs_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_OGDA_H_
