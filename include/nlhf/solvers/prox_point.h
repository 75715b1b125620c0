// Proximal point with an inner loop (COMAL-style; Liu et al. 2025, "COMAL: a convergent meta-algorithm
// for aligning LLMs with general preferences"; Rockafellar 1976). Each outer step solves the prox
// problem π_{t+1} = argmax_π η πᵀ A π_{t+1} − KL(π‖π_t), whose solution is the fixed point of
//     z ↦ π_t · exp(η A z) / Z,
// approximately, by `inner_steps` fixed-point iterations from z_0 = π_t (one product each; the map is a
// contraction for η·max|A| < 1). inner_steps = 1 is MWU; with enough inner steps the last iterate
// converges to an NE of the original game.
#ifndef NLHF_SOLVERS_PROX_POINT_H_
#define NLHF_SOLVERS_PROX_POINT_H_

#include "nlhf/solver.h"

namespace nlhf {

struct ProxPointOptions {
  double step_size = 1.0;  // η > 0
  int inner_steps = 10;    // K >= 1 fixed-point iterations per outer step
};

class ProxPointMethod : public IterativeMethod {
 public:
  explicit ProxPointMethod(const ProxPointOptions& options) : options_(options) {}
  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }

 private:
  ProxPointOptions options_;
  PlayerVectors log_policy_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_PROX_POINT_H_
