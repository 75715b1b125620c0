// Extragradient / mirror-prox with the entropy (EGPO, Zhou et al. 2025; Korpelevich 1976, Nemirovski 2004):
// a half step to look ahead, then the real step from the saved policy with the look-ahead's payoff.
//
//     log π_{t+½} = (1 − ηβ) log π_t + ηβ log π_ref + η A π_t     − log Z
//     log π_{t+1} = (1 − ηβ) log π_t + ηβ log π_ref + η A π_{t+½} − log Z'
// β = 0: the last iterate converges to an NE of the original game; β > 0: to the β-regularized NE.
// Two products per player per iteration. Requires ηβ <= 1.
#ifndef NLHF_SOLVERS_EXTRAGRADIENT_H_
#define NLHF_SOLVERS_EXTRAGRADIENT_H_

#include <utility>

#include "nlhf/solver.h"
#include "nlhf/solvers/regularized_method.h"

namespace nlhf {

struct ExtragradientOptions {
  double step_size = 1.0;             // η > 0
  double beta = 0.0;                  // β >= 0, with ηβ <= 1
  PlayerVectors reference_log_policy;  // log π_ref; empty: uniform (unused when β = 0)
};

class ExtragradientMethod : public RegularizedMethod {
 public:
  explicit ExtragradientMethod(ExtragradientOptions options)
      : RegularizedMethod(options.beta, options.reference_log_policy), options_(std::move(options)) {}
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;

 private:
  ExtragradientOptions options_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_EXTRAGRADIENT_H_
