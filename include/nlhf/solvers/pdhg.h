// Restarted primal–dual hybrid gradient (PDHG) for zero-sum games: a first-order exact solver whose
// iterations cost two payoff products, for games too large for the simplex LP.
//
// The game max_x min_y xᵀAy over the simplices is a saddle-point problem; PDHG (Chambolle & Pock 2011)
// alternates projected steps
//     x_{k+1} = Π_Δ(x_k + τ A y_k),    y_{k+1} = Π_Δ(y_k − σ Aᵀ(2x_{k+1} − x_k)),
// with τσ‖A‖₂² < 1 (Π_Δ: Euclidean projection onto the simplex, which sets unplayed actions exactly to
// zero, so the support shows in finitely many steps). Restarts make the rate linear on LPs, matrix games
// included (Applegate, Hinder, Lu & Lubin 2023, "Faster first-order primal-dual methods for linear
// programming using restarts and sharpness"), as in PDLP (Applegate et al. 2021): the epoch's average is
// a restart candidate beside the current iterate, whichever has the smaller duality gap (on the simplex
// the plain gap is a valid restart measure: the set is bounded); restart when the candidate's gap fell to
// `sufficient_decay` of the last restart's, or to `necessary_decay` of it while no longer improving, or
// when the epoch grew past `artificial_restart` of all iterations; at each restart the primal weight ω
// moves toward ‖Δy‖/‖Δx‖ (τ = η/ω, σ = ηω). The products come from the game's SkewOperator for
// preference games (Aᵀv = −Av; any storage and layout) and from A itself for payoff games.
//
// Every iteration knows the products of its iterates (A y_k, Aᵀx_k, and by linearity those of the epoch
// averages), so the duality gap of each candidate costs O(n): the loop's stopping test, the returned
// policy (the candidate with the smallest gap) and polishing (nlhf/polish.h: the equalizer on the
// identified support) come at no extra product. The iterations settle the support slowly once the gap is
// small (a tail of near-indifferent actions), so polishing also crosses over to a simplex method started
// from the basis the iterate suggests: from a gap of 1e-4 relative to the payoffs, CLP's dual simplex
// needs a few dozen pivots where the iterations need tens of thousands (docs/benchmarks.md).
#ifndef NLHF_SOLVERS_PDHG_H_
#define NLHF_SOLVERS_PDHG_H_

#include <Eigen/Dense>

#include "nlhf/polish.h"
#include "nlhf/solver.h"

namespace nlhf {

struct PdhgOptions {
  double step_scale = 0.9;           // η = step_scale / ‖A‖₂ (power iteration), in (0, 1)
  // With polishing: crossover to a warm-started simplex (nlhf/polish.h, CrossoverOnIterate) once the gap
  // is at most crossover_gap·max|A_ij|; 0: never.
  double crossover_gap = kDefaultCrossoverGap;
  double sufficient_decay = 0.2;     // PDLP's β_sufficient
  double necessary_decay = 0.8;      // PDLP's β_necessary
  double artificial_restart = 0.36;  // PDLP's β_artificial
  double primal_weight_smoothing = 0.5;  // θ in log ω ← θ log(‖Δy‖/‖Δx‖) + (1 − θ) log ω
};

SolveResult SolvePdhg(const ZeroSumGame& game, const PdhgOptions& method, const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_PDHG_H_
