// The exact reference: a Nash equilibrium as a linear program, solved with GLPK's simplex method.
//
// The row player's maximin strategy of a payoff matrix M solves
//     maximize v  subject to  Σ_i M_ij x_i >= v for every column j,  Σ_i x_i = 1,  x >= 0.
// The column player's is the row player's of −Mᵀ. In a symmetric game (M skew) the two coincide and
// one LP suffices; its value is 0. The answer is certified like every other: its duality gap is
// recomputed in double precision from the returned policy.
#ifndef NLHF_SOLVERS_EXACT_LP_H_
#define NLHF_SOLVERS_EXACT_LP_H_

#include <functional>
#include <limits>
#include <string>

#include "nlhf/solver.h"

namespace nlhf {

// A maximin LP solver: the row player's maximin strategy of a payoff matrix within `max_seconds`
// (infinity: no limit); throws TimeLimitReached when the limit comes first, Error when it fails.
using MaximinSolver = std::function<Eigen::VectorXd(const Eigen::MatrixXd& payoff, double max_seconds)>;

// Solves `game` with `maximin` (once for a symmetric game, once per player otherwise) and certifies the
// answer: kConverged when the recomputed gap is <= options.gap_tolerance, kNumericalFailure otherwise or
// when the LP solver fails (its message kept), kTimeLimit when options.max_time_in_seconds passes first
// (the LP solver is given what remains of it). `name` is the result's algorithm.
SolveResult SolveByMaximinLps(const ZeroSumGame& game, const SolveOptions& options, const std::string& name,
                              const MaximinSolver& maximin);

// The maximin strategy of the row player of `payoff` (probabilities, summing to one), GLPK's simplex
// stopped after `max_seconds` (TimeLimitReached).
Eigen::VectorXd SolveMaximinLp(const Eigen::MatrixXd& payoff, double max_seconds = std::numeric_limits<double>::infinity());

// Solves `game` exactly: termination kConverged when the recomputed gap is <= options.gap_tolerance,
// kNumericalFailure otherwise or when GLPK fails.
SolveResult SolveExactLp(const ZeroSumGame& game, const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_EXACT_LP_H_
