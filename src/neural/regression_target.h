// The regression methods' target and loss (methods.h), written once for every path that trains on them:
// the autograd backend over enumerated games (exact or on-policy feedback) and the sampled trainer over
// sequence spaces too large to enumerate (sampled_sequence_trainer.h).
#ifndef NLHF_SRC_NEURAL_REGRESSION_TARGET_H_
#define NLHF_SRC_NEURAL_REGRESSION_TARGET_H_

#include <torch/torch.h>

#include "nlhf/neural/methods.h"

namespace nlhf::neural::internal {

// The target T_t from the payoffs its rule reads, each at the same responses: g (A·π_t, or A·μ_t for the
// Nash mirror), g_{t−1} (the optimistic rule; unused otherwise) and the pull β(log π_t − log π_ref) (the
// regularized rules; unused otherwise). Exact and sampled feedback differ in how they get these, not here.
torch::Tensor TargetFrom(TargetRule rule, double eta, double beta, const torch::Tensor& g, const torch::Tensor& previous,
                         const torch::Tensor& pull);

// The regression loss of `residual` = (log π_θ − log π_t) − T_t, C × M, summed over contexts. Both forms
// have the same gradient; the pairwise one is the IPO loss on log-ratio differences of every pair.
torch::Tensor RegressionLoss(LossForm form, const torch::Tensor& residual);

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_REGRESSION_TARGET_H_
