// What the methods that solve the β-regularized game share (Nash-MD, online IPO, MMD, extragradient with
// β > 0): the reference policy resolved against the game at Reset, the regularization they report to the
// driver (for the regularized gap), and the log-policy they update. Each method adds only its Step.
#ifndef NLHF_SOLVERS_REGULARIZED_METHOD_H_
#define NLHF_SOLVERS_REGULARIZED_METHOD_H_

#include "nlhf/solver.h"

namespace nlhf {

class RegularizedMethod : public IterativeMethod {
 public:
  // `reference_log_policy` empty: uniform. β = 0 reports no regularization (extragradient without β).
  RegularizedMethod(double beta, PlayerVectors reference_log_policy);

  void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) override;
  const PlayerVectors& CurrentLogPolicy() const override { return log_policy_; }
  const Regularization* regularization() const override { return beta_ > 0 ? &regularization_ : nullptr; }

 protected:
  // log π_ref per player, resolved at Reset.
  const PlayerVectors& reference() const { return regularization_.reference_log_policy; }

  PlayerVectors log_policy_;

 private:
  double beta_;
  PlayerVectors given_reference_;
  Regularization regularization_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_REGULARIZED_METHOD_H_
