// A second exact reference beside GLPK: the same maximin linear program (solvers/exact_lp.h) solved by
// COIN-OR CLP, with its dual simplex method or its barrier (interior point, Mehrotra predictor–corrector,
// with crossover to a vertex). docs/benchmarks.md says which wins where.
#ifndef NLHF_SOLVERS_CLP_LP_H_
#define NLHF_SOLVERS_CLP_LP_H_

#include <limits>
#include <optional>
#include <vector>

#include "nlhf/solver.h"

namespace nlhf {

enum class ClpMethod { kDualSimplex, kBarrier };

// The maximin strategy of the row player of `payoff`; throws Error when CLP does not reach an optimum.
Eigen::VectorXd SolveMaximinClp(const Eigen::MatrixXd& payoff, ClpMethod method,
                                double max_seconds = std::numeric_limits<double>::infinity());

// Crossover (Megiddo 1991; PDLP's finishing step): the row player's maximin strategy of `payoff`, by
// CLP's dual simplex started from the basis of an equilibrium with the guessed supports (`rows_played`,
// `columns_played`: one flag per action) instead of from the slack basis. From a guess a handful of
// actions off, a few dozen pivots replace the thousands a cold start takes (docs/benchmarks.md).
// Returns nothing when CLP needs more than `max_pivots` pivots or fails; `*pivots` (when given) receives
// the pivots spent either way.
std::optional<Eigen::VectorXd> CrossoverMaximinClp(const Eigen::MatrixXd& payoff, const std::vector<char>& rows_played,
                                                   const std::vector<char>& columns_played, int max_pivots,
                                                   int* pivots = nullptr);

// Solves `game` exactly with CLP and certifies it (as SolveExactLp does with GLPK).
SolveResult SolveClpLp(const ZeroSumGame& game, ClpMethod method, const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_CLP_LP_H_
