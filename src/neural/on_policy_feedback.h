// On-policy feedback on sequence games, as the methods are run on language models: K responses per
// prompt drawn from π_t, each pair among them compared once by the oracle, and each drawn response's
// payoff estimated from its comparisons with the K − 1 others (docs/neural.md, "Sampled losses").
//
// Responses are C × K tensors whose second dimension runs over the draws: indices into an enumerated
// game (C × K), or the token strings themselves (C × K × T) where the space is too large to enumerate.
#ifndef NLHF_SRC_NEURAL_ON_POLICY_FEEDBACK_H_
#define NLHF_SRC_NEURAL_ON_POLICY_FEEDBACK_H_

#include <torch/torch.h>

#include <functional>

#include "nlhf/neural/preference_oracle.h"

namespace nlhf::neural::internal {

// One query per pair: Bernoulli outcomes (1 when first wins) for C × M pairs of responses `first` and
// `second` (each C × M × ...), C × M float64.
using PairComparer = std::function<torch::Tensor(const torch::Tensor& first, const torch::Tensor& second)>;

// The comparer of an enumerated game's oracle (PreferenceOracle::Compare on response indices).
PairComparer ComparerOf(PreferenceOracle& oracle);

// ĝ_i = (1/(K − 1)) Σ_{j ≠ i} (o_ij − ½) for C × K drawn responses, o_ij the answer to the one query
// about the pair {i, j} (o_ji = 1 − o_ij): unbiased for P(y_i ≻ π_t) − ½ = (A π_t)_{y_i} because y_j is
// drawn independently of y_i. K(K − 1)/2 queries per context. C × K float64 on the CPU; needs K ≥ 2.
torch::Tensor LeaveOneOutPayoffs(const PairComparer& compare, const torch::Tensor& responses);

// For each y_i of `responses` (C × K), the mean over the C × K′ `opponents` of one query each, minus ½:
// unbiased for (A q)_{y_i} when the opponents are drawn from q independently of y_i. K·K′ queries per context.
torch::Tensor PayoffsAgainst(const PairComparer& compare, const torch::Tensor& responses, const torch::Tensor& opponents);

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_ON_POLICY_FEEDBACK_H_
