// A second exact reference beside GLPK: the same maximin linear program (solvers/exact_lp.h) solved by
// COIN-OR CLP, with its dual simplex method or its barrier (interior point, Mehrotra predictor–corrector,
// with crossover to a vertex). docs/benchmarks.md says which wins where.
#ifndef NLHF_SOLVERS_CLP_LP_H_
#define NLHF_SOLVERS_CLP_LP_H_

#include "nlhf/solver.h"

namespace nlhf {

enum class ClpMethod { kDualSimplex, kBarrier };

// The maximin strategy of the row player of `payoff`; throws Error when CLP does not reach an optimum.
Eigen::VectorXd SolveMaximinClp(const Eigen::MatrixXd& payoff, ClpMethod method);

// Solves `game` exactly with CLP and certifies it (as SolveExactLp does with GLPK).
SolveResult SolveClpLp(const ZeroSumGame& game, ClpMethod method, const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_CLP_LP_H_
