#include "nlhf/neural/policy_network.h"

#include <fmt/format.h>

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/neural/transformer_policy.h"

namespace nlhf::neural {
namespace {

// Xavier (Glorot) normal initialization, std = sqrt(2 / (fan_in + fan_out)), drawn from our own seeded
// generator: torch::nn::init::xavier_normal_ in LibTorch 1.13 takes no generator.
torch::Tensor XavierNormal(at::IntArrayRef shape, int64_t fan_in, int64_t fan_out, at::Generator& generator) {
  const double std = std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return torch::normal(0.0, std, shape, generator, torch::kFloat64);
}

class TabularPolicy : public PolicyNetwork {
 public:
  TabularPolicy(int contexts, int n) {
    logits_ = register_parameter("logits", torch::zeros({contexts, n}, torch::kFloat64));
  }
  torch::Tensor Logits() override { return logits_; }
  int contexts_per_parameter() const override { return 1; }
  std::string Describe() const override {
    return fmt::format("tabular ({} contexts × {} logits)", logits_.size(0), logits_.size(1));
  }

 private:
  torch::Tensor logits_;
};

// The EGPO network for every context at once: context c has its own learned input z_c and weights,
// stacked along a leading context axis, so that one batched matrix product serves all contexts.
class EgpoMlpPolicy : public PolicyNetwork {
 public:
  EgpoMlpPolicy(const PolicyNetworkOptions& options, int contexts, int n, at::Generator& generator)
      : options_(options), contexts_(contexts) {
    input_ = register_parameter("input", torch::normal(0.0, 1.0, {contexts, 1, options.input_dimension}, generator,
                                                       torch::kFloat64));
    int64_t fan_in = options.input_dimension;
    for (int layer = 0; layer < options.depth; ++layer) {
      const int64_t fan_out = layer + 1 == options.depth ? n : options.hidden_width;
      weights_.push_back(register_parameter(fmt::format("weight{}", layer),
                                            XavierNormal({contexts, fan_in, fan_out}, fan_in, fan_out, generator)));
      biases_.push_back(register_parameter(fmt::format("bias{}", layer), torch::zeros({contexts, 1, fan_out}, torch::kFloat64)));
      fan_in = fan_out;
    }
  }
  torch::Tensor Logits() override {
    torch::Tensor h = input_;
    for (size_t layer = 0; layer < weights_.size(); ++layer) {
      h = torch::baddbmm(biases_[layer], h, weights_[layer]);
      if (layer + 1 < weights_.size()) h = torch::relu(h);
    }
    return h.squeeze(1);
  }
  int contexts_per_parameter() const override { return 1; }
  std::string Describe() const override {
    int64_t per_context = 0;
    for (const auto& p : parameters()) per_context += p.numel();
    return fmt::format("mlp(depth={}, width={}, input={}) ×{} context{}, {} parameters each", options_.depth,
                       options_.hidden_width, options_.input_dimension, contexts_, contexts_ == 1 ? "" : "s",
                       per_context / contexts_);
  }

 private:
  PolicyNetworkOptions options_;
  int contexts_;
  torch::Tensor input_;
  std::vector<torch::Tensor> weights_, biases_;
};

// One network for all contexts: features_c → ReLU layers → n logits.
class ContextualPolicy : public PolicyNetwork {
 public:
  ContextualPolicy(const PolicyNetworkOptions& options, const torch::Tensor& features, int n, at::Generator& generator)
      : options_(options), contexts_(static_cast<int>(features.size(0))) {
    features_ = register_buffer("features", features.clone());
    int64_t fan_in = features.size(1);
    for (int layer = 0; layer < options.depth; ++layer) {
      const int64_t fan_out = layer + 1 == options.depth ? n : options.hidden_width;
      weights_.push_back(register_parameter(fmt::format("weight{}", layer), XavierNormal({fan_in, fan_out}, fan_in, fan_out, generator)));
      biases_.push_back(register_parameter(fmt::format("bias{}", layer), torch::zeros({fan_out}, torch::kFloat64)));
      fan_in = fan_out;
    }
  }
  torch::Tensor Logits() override { return ContextLogits(0, contexts_); }
  torch::Tensor ContextLogits(std::int64_t first, std::int64_t count) override {
    torch::Tensor h = features_.narrow(0, first, count);
    for (size_t layer = 0; layer < weights_.size(); ++layer) {
      h = torch::addmm(biases_[layer], h, weights_[layer]);
      if (layer + 1 < weights_.size()) h = torch::relu(h);
    }
    return h;
  }
  int contexts_per_parameter() const override { return contexts_; }
  std::string Describe() const override {
    int64_t total = 0;
    for (const auto& p : parameters()) total += p.numel();
    return fmt::format("contextual mlp(depth={}, width={}, features={}) shared by {} context{}, {} parameters",
                       options_.depth, options_.hidden_width, features_.size(1), contexts_, contexts_ == 1 ? "" : "s",
                       total);
  }

 private:
  PolicyNetworkOptions options_;
  int contexts_;
  torch::Tensor features_;
  std::vector<torch::Tensor> weights_, biases_;
};

}  // namespace

double DefaultLearningRate(PolicyKind kind, bool sampled_feedback) {
  if (kind == PolicyKind::kTransformer) return kTransformerLearningRate;
  return kind == PolicyKind::kContextual || sampled_feedback ? 0.01 : 1.0;
}

std::string PolicyNetworkOptions::Validate() const {
  if (depth < 1) return fmt::format("depth = {}. Violated constraint: depth >= 1", depth);
  if (hidden_width < 1) return fmt::format("hidden_width = {}. Violated constraint: hidden_width >= 1", hidden_width);
  if (input_dimension < 1) {
    return fmt::format("input_dimension = {}. Violated constraint: input_dimension >= 1", input_dimension);
  }
  if (kind == PolicyKind::kTransformer) {
    if (layers < 1 || layers > 64) return fmt::format("layers = {}. Violated constraint: 1 <= layers <= 64", layers);
    if (heads < 1) return fmt::format("heads = {}. Violated constraint: heads >= 1", heads);
    if (hidden_width % heads != 0) {
      return fmt::format("width = {}, heads = {}. Violated constraint: the width is a multiple of the heads",
                         hidden_width, heads);
    }
  }
  return "";
}

std::shared_ptr<PolicyNetwork> MakePolicyNetwork(const PolicyNetworkOptions& options, const TrainingGames& games,
                                                 at::Generator& generator) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  const int contexts = games.num_contexts();
  const int n = games.num_responses();
  switch (options.kind) {
    case PolicyKind::kTabular: return std::make_shared<TabularPolicy>(contexts, n);
    case PolicyKind::kMlp: return std::make_shared<EgpoMlpPolicy>(options, contexts, n, generator);
    case PolicyKind::kContextual: return std::make_shared<ContextualPolicy>(options, games.features, n, generator);
    case PolicyKind::kTransformer:
      if (!games.sequences) {
        throw InvalidArgument("the transformer policy writes token sequences: train it on sequence games "
                              "(--vocab V --length T), not on a matrix of fixed responses");
      }
      return std::make_shared<TransformerPolicy>(options, games.sequences, generator);
  }
  throw InvalidArgument("unknown policy kind");
}

}  // namespace nlhf::neural
