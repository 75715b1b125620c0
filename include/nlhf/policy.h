// Policies (points of the simplex) held as log-probabilities.
//
// Iterative methods keep log-probabilities, never probabilities: OMWU legitimately drives an action's
// probability to 1e-300 and far below during burn-in and must be able to bring it back, which a stored
// probability that underflowed to 0 never can ("marginal convergence", arXiv 2512.24818).
#ifndef NLHF_POLICY_H_
#define NLHF_POLICY_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace nlhf {

// One vector per player: a single entry in self-play on a symmetric game, (row, column) otherwise.
using PlayerVectors = std::vector<Eigen::VectorXd>;

// log Σ exp(v), computed stably (shifted by the maximum); −inf for an empty or all −inf vector.
double LogSumExp(const Eigen::VectorXd& v);

// Shifts v by −LogSumExp(v) so that exp(v) sums to one.
void NormalizeLogPolicy(Eigen::VectorXd& v);

// exp of a normalized log-policy; entries below about −745 become exactly 0.
Eigen::VectorXd ToProbabilities(const Eigen::VectorXd& log_policy);

// log of a probability vector; zeros become −inf.
Eigen::VectorXd ToLogPolicy(const Eigen::VectorXd& probabilities);

// The same, player by player.
PlayerVectors ToProbabilities(const PlayerVectors& log_policy);
PlayerVectors ToLogPolicy(const PlayerVectors& probabilities);

Eigen::VectorXd UniformLogPolicy(int n);

// Normalized log-policy with standard-normal logits drawn from `seed` (reproducible).
Eigen::VectorXd RandomLogPolicy(int n, std::uint64_t seed);

// Indices (0-based) of actions with probability > threshold.
std::vector<int> Support(const Eigen::VectorXd& probabilities, double threshold);

// The smallest entry over every player's vector.
double MinEntry(const PlayerVectors& vectors);

// Euclidean projection onto the probability simplex {x >= 0, Σx = 1} (sort-based, Held et al. 1974 /
// Duchi et al. 2008); unplayed actions come out exactly 0. Eigen has no simplex projection, hence these
// few lines.
Eigen::VectorXd ProjectOntoSimplex(const Eigen::VectorXd& v);

}  // namespace nlhf

#endif  // NLHF_POLICY_H_
