#include <cmath>
#include <limits>

#include "nlhf/metrics.h"

namespace nlhf {

double DualityGapFromPayoffs(const PlayerVectors& payoffs) {
  // Each player's payoff vector is what a best response would earn; the gap is the sum of the two
  // best-response payoffs (the row's max_a (A y)_a and the column's max_b (−xᵀA)_b).
  double gap = 0;
  for (const auto& g : payoffs) {
    if (g.hasNaN()) return std::numeric_limits<double>::quiet_NaN();
    gap += g.maxCoeff();
  }
  return payoffs.size() == 1 ? 2 * gap : gap;
}

double DualityGap(const ZeroSumGame& game, const PlayerVectors& probabilities) {
  return DualityGapFromPayoffs(game.Payoffs(probabilities));
}

double DualityGap(const PreferenceGame& game, const Eigen::VectorXd& probabilities) {
  return DualityGap(ZeroSumGame::FromPreferences(game), PlayerVectors{probabilities});
}

double RegularizedDualityGap(const ZeroSumGame& game, const PlayerVectors& probabilities, double beta,
                             const PlayerVectors& reference_log_policy) {
  return RegularizedDualityGapFromPayoffs(game.Payoffs(probabilities), ToLogPolicy(probabilities), beta,
                                          reference_log_policy);
}

double RegularizedDualityGapFromPayoffs(const PlayerVectors& payoffs, const PlayerVectors& log_policy, double beta,
                                        const PlayerVectors& reference_log_policy) {
  double gap = 0;
  for (size_t p = 0; p < payoffs.size(); ++p) {
    const Eigen::VectorXd& log_ref = reference_log_policy[p];
    double kl = 0;  // Σ z (log z − log ref) over the support: 0·log 0 = 0
    for (Eigen::Index a = 0; a < log_policy[p].size(); ++a) {
      const double log_z = log_policy[p][a];
      if (log_z > -std::numeric_limits<double>::infinity()) kl += std::exp(log_z) * (log_z - log_ref[a]);
    }
    gap += beta * (LogSumExp(log_ref + payoffs[p] / beta) + kl);
  }
  return payoffs.size() == 1 ? 2 * gap : gap;
}

}  // namespace nlhf
