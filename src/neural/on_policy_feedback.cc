#include "neural/on_policy_feedback.h"

#include "nlhf/error.h"

namespace nlhf::neural::internal {

PairComparer ComparerOf(PreferenceOracle& oracle) {
  return [&oracle](const torch::Tensor& first, const torch::Tensor& second) { return oracle.Compare(first, second); };
}

torch::Tensor LeaveOneOutPayoffs(const PairComparer& compare, const torch::Tensor& responses) {
  const std::int64_t contexts = responses.size(0), k = responses.size(1);
  if (k < 2) throw InvalidArgument("leave-one-out payoffs need at least 2 responses per context");
  // The pairs i < j, row by row.
  const torch::Tensor pairs = torch::triu_indices(k, k, 1);
  const torch::Tensor first = pairs[0], second = pairs[1];
  const torch::Tensor outcomes = compare(responses.index_select(1, first), responses.index_select(1, second)) - 0.5;
  return torch::zeros({contexts, k}, torch::kFloat64)
             .index_add_(1, first, outcomes)
             .index_add_(1, second, -outcomes) /
         static_cast<double>(k - 1);
}

torch::Tensor PayoffsAgainst(const PairComparer& compare, const torch::Tensor& responses, const torch::Tensor& opponents) {
  const std::int64_t contexts = responses.size(0), k = responses.size(1), m = opponents.size(1);
  // Every (i, j), i-major: the same pairs in the same order whatever the responses hold.
  const torch::Tensor first = torch::arange(k, torch::kInt64).repeat_interleave(m);
  const torch::Tensor second = torch::arange(m, torch::kInt64).repeat(k);
  return (compare(responses.index_select(1, first), opponents.index_select(1, second)) - 0.5)
      .view({contexts, k, m})
      .mean(2);
}

}  // namespace nlhf::neural::internal
