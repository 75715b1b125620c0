// Online IPO / regularized online mirror descent (Calandriello et al. 2024; the tabular update of INPO,
// Zhang et al. 2024): the entropic mirror-descent step on the β-regularized game, payoff at π_t.
//
//     log π_{t+1} = (1 − ηβ) log π_t + ηβ log π_ref + η g_t − log Z,      g_t = Aπ_t.
// The last iterate converges to the β-regularized NE. Requires ηβ <= 1.
#ifndef NLHF_SOLVERS_ONLINE_IPO_H_
#define NLHF_SOLVERS_ONLINE_IPO_H_

#include <utility>

#include "nlhf/solver.h"
#include "nlhf/solvers/regularized_method.h"

namespace nlhf {

struct OnlineIpoOptions {
  double step_size = 1.0;             // η > 0
  double beta = 0.05;                 // β > 0, with ηβ <= 1
  PlayerVectors reference_log_policy;  // log π_ref; empty: uniform
};

class OnlineIpoMethod : public RegularizedMethod {
 public:
  explicit OnlineIpoMethod(OnlineIpoOptions options)
      : RegularizedMethod(options.beta, options.reference_log_policy), options_(std::move(options)) {}
  void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) override;

 private:
  OnlineIpoOptions options_;
};

}  // namespace nlhf

#endif  // NLHF_SOLVERS_ONLINE_IPO_H_
