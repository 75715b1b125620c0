// Neural policies: a network whose output, one row of logits per context, is the policy
// π_θ(·|c) = softmax(logits_c) over that context's n responses.
#ifndef NLHF_NEURAL_POLICY_NETWORK_H_
#define NLHF_NEURAL_POLICY_NETWORK_H_

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nlhf/enum_names.h"
#include "nlhf/neural/sequence_games.h"
#include "nlhf/neural/training_games.h"

namespace nlhf::neural {

enum class PolicyKind {
  kTabular,     // one free logit per context and response
  kMlp,         // the EGPO network, one per context: a learned input, ReLU layers, n logits
  kContextual,  // one network shared by all contexts, mapping a context's features to its n logits
  kTransformer, // a causal decoder writing a response token by token after the context's prompt
};

inline constexpr EnumNames<PolicyKind, 4> kPolicyKindNames{{{PolicyKind::kTabular, "tabular"},
                                                            {PolicyKind::kMlp, "mlp"},
                                                            {PolicyKind::kContextual, "contextual"},
                                                            {PolicyKind::kTransformer, "transformer"}}};
inline const char* PolicyKindName(PolicyKind kind) { return NameOf(kPolicyKindNames, kind); }
inline PolicyKind ParsePolicyKind(std::string_view name) { return ParseName(kPolicyKindNames, name, "policy"); }

// The learning rate `nlhf train` uses when none is given: 1 for tabular and mlp with exact feedback (one
// SGD step is then the tabular method's step), 0.01 for the shared contextual network, whose ReLU units
// die at 0.03 and above on a two-context example, and 0.01 with sampled feedback, whose noisy payoff
// estimates make a step of 1 wander (gap 0.13 -> 0.58 on a random n = 10 game; docs/neural.md). The
// transformer: see DefaultTransformerLearningRate in docs/neural.md.
double DefaultLearningRate(PolicyKind kind, bool sampled_feedback);
inline constexpr double kTransformerLearningRate = 0.01;

struct PolicyNetworkOptions {
  PolicyKind kind = PolicyKind::kTabular;
  // The MLPs: `depth` linear layers (ReLU between them) of width `hidden_width`; the EGPO network
  // learns an input vector of `input_dimension` numbers (the contextual one reads the features).
  int depth = 3;
  int hidden_width = 10;
  int input_dimension = 10;
  // The transformer: `layers` pre-norm blocks of `heads` attention heads over `hidden_width` numbers
  // per token (the width must be a multiple of the heads).
  int layers = 2;
  int heads = 2;

  // Empty when valid; otherwise names the option and the rule.
  std::string Validate() const;
};

class PolicyNetwork : public torch::nn::Module {
 public:
  // C×n logits, one row per context.
  virtual torch::Tensor Logits() = 0;
  // The rows of contexts [first, first + count) alone (data-parallel training computes only its share):
  // networks whose cost grows with the contexts compute just those.
  virtual torch::Tensor ContextLogits(std::int64_t first, std::int64_t count) { return Logits().narrow(0, first, count); }
  // How many contexts share each parameter: the training loss averages over them, so that a learning
  // rate of 1 means the same step size for every policy class (1 for per-context parameters, C for
  // the contextual network).
  virtual int contexts_per_parameter() const = 0;
  // "mlp(depth=3, width=10, input=10) ×64 contexts, 1,440 parameters each"
  virtual std::string Describe() const = 0;
};

// Weights are Xavier-normal and biases zero (EGPO), drawn from `generator`; the tabular logits start at
// zero (the uniform policy).
std::shared_ptr<PolicyNetwork> MakePolicyNetwork(const PolicyNetworkOptions& options,
                                                 const TrainingGames& games,
                                                 at::Generator& generator);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_POLICY_NETWORK_H_
