#include "nlhf/solvers/prox_point.h"

namespace nlhf {

void ProxPointMethod::Reset(const ZeroSumGame& /*game*/, const PlayerVectors& initial_log_policy) {
  log_policy_ = initial_log_policy;
}

void ProxPointMethod::Step(const ZeroSumGame& game, const PlayerVectors& payoffs) {
  // z_0 = π_t, whose payoffs the driver already computed.
  PlayerVectors z_payoffs = payoffs;
  PlayerVectors z;
  for (int k = 0; k < options_.inner_steps; ++k) {
    if (k > 0) z_payoffs = game.Payoffs(ToProbabilities(z));
    z.clear();
    for (size_t p = 0; p < log_policy_.size(); ++p) {
      Eigen::VectorXd next = log_policy_[p] + options_.step_size * z_payoffs[p];
      NormalizeLogPolicy(next);
      z.push_back(std::move(next));
    }
  }
  log_policy_ = std::move(z);
}

}  // namespace nlhf
