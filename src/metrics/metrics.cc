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
  const PlayerVectors payoffs = game.Payoffs(probabilities);
  double gap = 0;
  for (size_t p = 0; p < payoffs.size(); ++p) {
    const Eigen::VectorXd& log_ref = reference_log_policy[p];
    double kl = 0;
    for (Eigen::Index a = 0; a < probabilities[p].size(); ++a) {
      if (probabilities[p][a] > 0) kl += probabilities[p][a] * (std::log(probabilities[p][a]) - log_ref[a]);
    }
    gap += beta * (LogSumExp(log_ref + payoffs[p] / beta) + kl);
  }
  return payoffs.size() == 1 ? 2 * gap : gap;
}

}  // namespace nlhf
