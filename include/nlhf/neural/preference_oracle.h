// Preference feedback for training: exact (the whole P is known) or sampled, where each query asks
// "is y preferred to y′?" and is answered by a Bernoulli(P[y][y′]) draw. Every draw comes from one
// seeded generator, so runs repeat exactly.
#ifndef NLHF_NEURAL_PREFERENCE_ORACLE_H_
#define NLHF_NEURAL_PREFERENCE_ORACLE_H_

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "nlhf/enum_names.h"

namespace nlhf::neural {

enum class FeedbackKind { kExact, kSampled };
inline constexpr EnumNames<FeedbackKind, 2> kFeedbackKindNames{
    {{FeedbackKind::kExact, "exact"}, {FeedbackKind::kSampled, "sampled"}}};
inline const char* FeedbackKindName(FeedbackKind kind) { return NameOf(kFeedbackKindNames, kind); }
inline FeedbackKind ParseFeedbackKind(std::string_view name) { return ParseName(kFeedbackKindNames, name, "feedback"); }

// The answers to K queries per context.
struct Comparisons {
  torch::Tensor responses;  // C×K int64: y
  torch::Tensor outcomes;   // C×K float64: 1 if y ≻ y′, else 0
};

class PreferenceOracle {
 public:
  // `payoff`: C×n×n, A = P − 1/2. `samples`: queries per context per estimate (sampled feedback).
  PreferenceOracle(torch::Tensor payoff, FeedbackKind kind, int samples, at::Generator generator);

  FeedbackKind kind() const { return kind_; }
  int samples() const { return samples_; }

  // The exact payoff vectors A·q, one row per context (q: C×n probabilities). Not counted as queries:
  // this is what the metrics use.
  torch::Tensor ExactPayoffs(const torch::Tensor& opponent) const;

  // g = A·q as the method sees it: exact, or estimated without bias from K queries per context with y
  // uniform over the responses and y′ ~ q:  ĝ_y = (n/K) Σ_{k: y_k = y} (outcome_k − 1/2).
  torch::Tensor Payoffs(const torch::Tensor& opponent);

  // K queries per context with y ~ policy and y′ ~ opponent (the policy-gradient samples).
  Comparisons Query(const torch::Tensor& policy, const torch::Tensor& opponent);

  // `count` responses per context drawn from `policy` (C × n probabilities), from the oracle's generator
  // so that a run repeats: C × count int64.
  torch::Tensor Draw(const torch::Tensor& policy, int count);

  // One query per entry: Bernoulli(P[first][second]) for C × M response indices `first` and `second`
  // (on-policy sequence feedback: pairs of sampled responses). C × M float64 outcomes.
  torch::Tensor Compare(const torch::Tensor& first, const torch::Tensor& second);

  // Queries answered so far, all contexts together.
  std::int64_t queries() const { return queries_; }
  void set_queries(std::int64_t queries) { queries_ = queries; }

 private:
  torch::Tensor Answer(const torch::Tensor& responses, const torch::Tensor& opponent);

  torch::Tensor payoff_;  // on the training device
  torch::Tensor payoff_cpu_;  // draws are made on the CPU so that every device sees the same ones
  FeedbackKind kind_;
  int samples_;
  at::Generator generator_;
  std::int64_t queries_ = 0;
};

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_PREFERENCE_ORACLE_H_
