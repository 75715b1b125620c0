#include "nlhf/solvers/nash_md.h"

#include "solvers/regularized_step.h"

namespace nlhf {

void NashMdMethod::Step(const ZeroSumGame& game, const PlayerVectors& /*payoffs*/) {
  // The geometric mixture π_t^μ: a regularized step with zero payoff.
  PlayerVectors mixture;
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    mixture.push_back(internal::RegularizedMultiplicativeStep(
        log_policy_[p], reference()[p],
        Eigen::VectorXd::Zero(log_policy_[p].size()), options_.step_size, options_.beta));
  }
  const PlayerVectors mixture_payoffs = game.Payoffs(ToProbabilities(mixture));
  for (size_t p = 0; p < log_policy_.size(); ++p) {
    log_policy_[p] = mixture[p] + options_.step_size * mixture_payoffs[p];
    NormalizeLogPolicy(log_policy_[p]);
  }
}

}  // namespace nlhf
