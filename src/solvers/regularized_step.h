// The mirror-descent step shared by the regularized methods (Nash-MD, online IPO, EGPO).
#ifndef NLHF_SRC_SOLVERS_REGULARIZED_STEP_H_
#define NLHF_SRC_SOLVERS_REGULARIZED_STEP_H_

#include "nlhf/policy.h"

namespace nlhf::internal {

// log π' = (1 − ηβ)·log π + ηβ·log π_ref + η·g − log Z: the entropic mirror-descent step on the
// β-regularized game (β = 0 gives MWU). Its fixed points are the regularized equilibrium
// π = π_ref·exp(g/β)/Z.
inline Eigen::VectorXd RegularizedMultiplicativeStep(const Eigen::VectorXd& log_policy,
                                                     const Eigen::VectorXd& log_reference,
                                                     const Eigen::VectorXd& payoff,
                                                     double step_size,
                                                     double beta) {
  Eigen::VectorXd next = (1.0 - step_size * beta) * log_policy + step_size * payoff;
  if (beta != 0) next += (step_size * beta) * log_reference;
  NormalizeLogPolicy(next);
  return next;
}

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_REGULARIZED_STEP_H_
