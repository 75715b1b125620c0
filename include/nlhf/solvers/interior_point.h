// A dense primal–dual interior point method for zero-sum games (Mehrotra's predictor–corrector): an
// exact solver whose iteration count hardly depends on the game (15–25 iterations from 10 to 4,096
// actions), for games of a few hundred to a few thousand actions, where the simplex method needs
// thousands of pivots and first-order methods take long to settle the support.
//
// The game is shifted and scaled so that every payoff lies in [1, 2] (B = 1 + (A − min A)/(max A − min A);
// the equilibria do not change and the value stays positive), which makes the classical LP pair
//     max 1ᵀu  s.t.  Bu ≤ 1, u ≥ 0        (the column player: y = u / 1ᵀu)
//     min 1ᵀw  s.t.  Bᵀw ≥ 1, w ≥ 0       (the row player:    x = w / 1ᵀw)
// strictly feasible from an explicit start. Each iteration solves the Newton system of the perturbed
// optimality conditions through the normal equations (B D Bᵀ + E) Δw = r, with D = diag(u/t) and
// E = diag(s/w) from the slacks s = 1 − Bu and t = Bᵀw − 1: one dense Cholesky factorization (Eigen's LLT)
// of a matrix of the smaller player's size serves the predictor and the corrector (Mehrotra 1992;
// Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 14.3). Its cost is about r²c + r³/3 for an
// r × c game (r ≤ c; a game with more rows than columns is solved as its transpose).
//
// Interior iterates converge to the analytic centre of the optimal face, so unplayed actions fall to
// O(μ) while played ones stay of order one: the support shows orders of magnitude apart, and polishing
// (nlhf/polish.h: the equalizer on it, exact in the full game) certifies within a few iterations of the
// gap reaching 1e-4 of the payoffs. Where no equilibrium has a regular equalizer (ties among many
// equilibria), polishing crosses over to CLP's simplex from the interior point's support.
#ifndef NLHF_SOLVERS_INTERIOR_POINT_H_
#define NLHF_SOLVERS_INTERIOR_POINT_H_

#include "nlhf/solver.h"

namespace nlhf {

struct InteriorPointOptions {
  // Each step goes this fraction of the way to the boundary of the positive orthant (Mehrotra's η).
  double step_to_boundary = 0.995;
};

SolveResult SolveInteriorPoint(const ZeroSumGame& game, const InteriorPointOptions& method,
                               const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_INTERIOR_POINT_H_
