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

}  // namespace nlhf

#endif  // NLHF_METRICS_H_
