#include "nlhf/solvers/extragradient.h"

#include "solvers/regularized_step.h"

namespace nlhf {

void ExtragradientMethod::Step(const ZeroSumGame& game, const PlayerVectors& payoffs) {
  const auto step_from_saved = [&](const PlayerVectors& step_payoffs) {
    PlayerVectors next;
    for (size_t p = 0; p < log_policy_.size(); ++p) {
      next.push_back(internal::RegularizedMultiplicativeStep(log_policy_[p], reference()[p],
                                                             step_payoffs[p], options_.step_size, options_.beta));
    }
    return next;
  };
  const PlayerVectors half = step_from_saved(payoffs);
  log_policy_ = step_from_saved(game.Payoffs(ToProbabilities(half)));
}

}  // namespace nlhf
