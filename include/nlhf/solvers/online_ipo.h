// Online IPO / regularized online mirror descent (Calandriello et al. 2024; the tabular update of INPO,
// Zhang et al. 2024): the entropic mirror-descent step on the β-regularized game, payoff at π_t.
//
//     log π_{t+1} = (1 − ηβ) log π_t + ηβ log π_ref + η g_t − log Z,      g_t = Aπ_t.
// The last iterate converges to the β-regularized NE. Requires ηβ <= 1.
#ifndef NLHF_SOLVERS_ONLINE_IPO_H_
#define NLHF_SOLVERS_ONLINE_IPO_H_

#include "nlhf/solver.h"

namespace nlhf {

struct OnlineIpoOptions {
  double step_size = 1.0;             // η > 0
  double beta = 0.05;                 // β > 0, with ηβ <= 1
  PlayerVectors reference_log_policy;  // log π_ref; empty: uniform
};

class OnlineIpoMethod : public IterativeMethod {
 public:
  explicit OnlineIpoMethod(OnlineIpoOptions options) : options_(std::move(options)) {}
  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }
  const Regularization* regularization() const override { return &regularization_; }

 private:
  OnlineIpoOptions options_;
  Regularization regularization_;
  PlayerVectors log_policy_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_ONLINE_IPO_H_
