// Nash-MD (Munos et al. 2023, "Nash learning from human feedback"): mirror descent on the β-regularized
// game, played against the geometric mixture of the current policy and the reference.
//
//     log μ_t   = (1 − ηβ) log π_t + ηβ log π_ref − log Z        (the mixture π_t^μ)
//     log π_{t+1} = log μ_t + η (A μ_t) − log Z'
// (two players: each mixes its own policy and plays against the other's mixture). The last iterate
// converges to the β-regularized NE; its gap in the original game plateaus at the regularization bias.
// Requires ηβ <= 1.
#ifndef NLHF_SOLVERS_NASH_MD_H_
#define NLHF_SOLVERS_NASH_MD_H_

#include <utility>

#include "nlhf/solver.h"
#include "nlhf/solvers/regularized_method.h"

namespace nlhf {

struct NashMdOptions {
  double step_size = 1.0;             // η > 0
  double beta = 0.05;                 // β > 0, with ηβ <= 1
  PlayerVectors reference_log_policy;  // log π_ref; empty: uniform
};

class NashMdMethod : public RegularizedMethod {
 public:
  explicit NashMdMethod(NashMdOptions options)
      : RegularizedMethod(options.beta, options.reference_log_policy), options_(std::move(options)) {}
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;

 private:
  NashMdOptions options_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_NASH_MD_H_
