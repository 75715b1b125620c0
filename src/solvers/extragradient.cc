#include "nlhf/solvers/extragradient.h"

#include "solvers/regularized_step.h"

namespace nlhf {

void ExtragradientMethod::Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) {
  regularization_ = {options_.beta,
                     GivenOrUniformLogPolicies(game, options_.reference_log_policy, "reference policy")};
  log_policy_ = initial_log_policy;
}

void ExtragradientMethod::Step(const ZeroSumGame& game, const PlayerVectors& payoffs) {
  const auto step_from_saved = [&](const PlayerVectors& step_payoffs) {
    PlayerVectors next;
    for (size_t p = 0; p < log_policy_.size(); ++p) {
      next.push_back(internal::RegularizedMultiplicativeStep(log_policy_[p], regularization_.reference_log_policy[p],
                                                             step_payoffs[p], options_.step_size, options_.beta));
    }
    return next;
  };
  const PlayerVectors half = step_from_saved(payoffs);
  log_policy_ = step_from_saved(game.Payoffs(ToProbabilities(half)));
}

}  // namespace nlhf
