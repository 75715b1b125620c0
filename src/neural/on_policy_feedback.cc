#include "neural/on_policy_feedback.h"

#include "nlhf/error.h"

namespace nlhf::neural::internal {

torch::Tensor LeaveOneOutPayoffs(PreferenceOracle& oracle, const torch::Tensor& responses) {
  const std::int64_t contexts = responses.size(0), k = responses.size(1);
  if (k < 2) throw InvalidArgument("leave-one-out payoffs need at least 2 responses per context");
  // The pairs i < j, row by row.
  const torch::Tensor pairs = torch::triu_indices(k, k, 1);
  const torch::Tensor first = pairs[0], second = pairs[1];
  const torch::Tensor outcomes = oracle.Compare(responses.index_select(1, first), responses.index_select(1, second)) - 0.5;
  return torch::zeros({contexts, k}, torch::kFloat64)
             .index_add_(1, first, outcomes)
             .index_add_(1, second, -outcomes) /
         static_cast<double>(k - 1);
}

torch::Tensor PayoffsAgainst(PreferenceOracle& oracle, const torch::Tensor& responses, const torch::Tensor& opponents) {
  const std::int64_t contexts = responses.size(0), k = responses.size(1), m = opponents.size(1);
  const torch::Tensor first = responses.unsqueeze(2).expand({contexts, k, m}).reshape({contexts, k * m});
  const torch::Tensor second = opponents.unsqueeze(1).expand({contexts, k, m}).reshape({contexts, k * m});
  return (oracle.Compare(first, second) - 0.5).view({contexts, k, m}).mean(2);
}

}  // namespace nlhf::neural::internal
