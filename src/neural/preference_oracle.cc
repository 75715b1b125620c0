#include "nlhf/neural/preference_oracle.h"

#include <fmt/format.h>

#include "nlhf/error.h"

namespace nlhf::neural {

PreferenceOracle::PreferenceOracle(torch::Tensor payoff, FeedbackKind kind, int samples, at::Generator generator)
    : payoff_(std::move(payoff)), payoff_cpu_(payoff_.cpu()), kind_(kind), samples_(samples),
      generator_(std::move(generator)) {}

torch::Tensor PreferenceOracle::ExactPayoffs(const torch::Tensor& opponent) const {
  return torch::matmul(payoff_, opponent.unsqueeze(2)).squeeze(2);
}

torch::Tensor PreferenceOracle::Answer(const torch::Tensor& responses, const torch::Tensor& opponent) {
  // y′ ~ q, then Bernoulli(P[y][y′]) with P = A + 1/2, all drawn on the CPU from the one generator.
  const torch::Tensor opponents = torch::multinomial(opponent.cpu(), samples_, /*replacement=*/true, generator_);
  return Compare(responses, opponents);
}

torch::Tensor PreferenceOracle::Compare(const torch::Tensor& first, const torch::Tensor& second) {
  const int64_t contexts = payoff_cpu_.size(0);
  const int64_t n = payoff_cpu_.size(1);
  const torch::Tensor flat = (first.cpu() * n + second.cpu()).view({contexts, -1});
  const torch::Tensor win_probability = payoff_cpu_.view({contexts, n * n}).gather(1, flat) + 0.5;
  queries_ += flat.numel();
  return torch::bernoulli(win_probability, generator_);
}

torch::Tensor PreferenceOracle::Payoffs(const torch::Tensor& opponent) {
  if (kind_ == FeedbackKind::kExact) return ExactPayoffs(opponent);
  const int64_t contexts = payoff_cpu_.size(0);
  const int64_t n = payoff_cpu_.size(1);
  const torch::Tensor responses = torch::randint(n, {contexts, samples_}, generator_, torch::kLong);
  const torch::Tensor outcomes = Answer(responses, opponent);
  // Each response is asked about with probability 1/n per query: n/K times the sum of its centred
  // outcomes is unbiased for (Aq)_y.
  torch::Tensor estimate = torch::zeros({contexts, n}, torch::kFloat64);
  estimate.scatter_add_(1, responses, (outcomes - 0.5) * (static_cast<double>(n) / samples_));
  return estimate.to(payoff_.device());
}

torch::Tensor PreferenceOracle::Draw(const torch::Tensor& policy, int count) {
  return torch::multinomial(policy.cpu(), count, /*replacement=*/true, generator_);
}

Comparisons PreferenceOracle::Query(const torch::Tensor& policy, const torch::Tensor& opponent) {
  const torch::Tensor responses = Draw(policy, samples_);
  return {responses, Answer(responses, opponent)};
}

}  // namespace nlhf::neural
