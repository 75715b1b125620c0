// OMWU in self-play on a symmetric game, with every O(n) step fused into one pass and no allocation per
// iteration: the path `omwu` takes on preference games. Per iteration it reads A once (y = Aπ_t, through
// a SkewOperator in the chosen storage), takes the optimistic step log π += η(2y − y_prev) with the
// running maximum, one exp per action for both the log-sum-exp normalizer and π, and the ‖π_t − π_{t−1}‖₁
// change. Same update, tests and result as Solve(game, OmwuMethod), up to rounding (the product's
// summation order, π = exp(log π − max)/Σ instead of exp(log π − log Z)).
#ifndef NLHF_SOLVERS_FUSED_OMWU_H_
#define NLHF_SOLVERS_FUSED_OMWU_H_

#include "nlhf/kernels/skew_operator.h"
#include "nlhf/solver.h"

namespace nlhf {

// `game` must be symmetric; it supplies the initial and final policies' checks and polishing, while the
// iterations read `payoff` (an operator for the same A).
SolveResult SolveOmwuFused(const ZeroSumGame& game, const SkewOperator& payoff, double step_size,
                           const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_FUSED_OMWU_H_
