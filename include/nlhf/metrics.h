// The certificate: the duality gap, computed in the original (unregularized) game.
//
// gap(x, y) = max_a (A y)_a − min_b (xᵀA)_b >= 0, zero exactly at a Nash equilibrium. In self-play
// (x = y = π on a skew-symmetric A) it is 2·max_a (Aπ)_a = 2·max_a Pr(a ≻ π) − 1.
#ifndef NLHF_METRICS_H_
#define NLHF_METRICS_H_

#include "nlhf/game.h"
#include "nlhf/policy.h"

namespace nlhf {

// The gap from each player's payoff vector (as ZeroSumGame::Payoffs returns them): the sum over the
// two players of their best-response payoff, counted twice in self-play. NaN if any entry is NaN.
double DualityGapFromPayoffs(const PlayerVectors& payoffs);

// The gap of a profile of probabilities (one vector per player).
double DualityGap(const ZeroSumGame& game, const PlayerVectors& probabilities);

// Self-play gap 2·max_a (Aπ)_a of one policy in a preference game.
double DualityGap(const PreferenceGame& game, const Eigen::VectorXd& probabilities);

// Duality gap in the β-regularized game f(x, y) = xᵀAy − β KL(x‖ref_x) + β KL(y‖ref_y):
//   max_x' f(x', y) − min_y' f(x, y') = Σ_players β [log Σ_a ref_a exp(h_a / β) + KL(z‖ref)],
// where h is the player's payoff vector and z its policy (counted twice in self-play). Zero exactly at
// the regularized equilibrium π = ref·exp(Aπ/β)/Z.
double RegularizedDualityGap(const ZeroSumGame& game,
                             const PlayerVectors& probabilities,
                             double beta,
                             const PlayerVectors& reference_log_policy);
// The same from each player's payoff vector h and log-policy log z (a zero probability: −inf).
double RegularizedDualityGapFromPayoffs(const PlayerVectors& payoffs,
                                        const PlayerVectors& log_policy,
                                        double beta,
                                        const PlayerVectors& reference_log_policy);

}  // namespace nlhf

#endif  // NLHF_METRICS_H_
