#include "nlhf/neural/transformer_policy.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "nlhf/error.h"

namespace nlhf::neural {
namespace {

constexpr double kInitialStd = 0.02;  // GPT-2's

torch::Tensor LayerNorm(const torch::Tensor& x, const torch::Tensor& gain, const torch::Tensor& bias) {
  return torch::layer_norm(x, {x.size(-1)}, gain, bias, 1e-5);
}

}  // namespace

TransformerPolicy::TransformerPolicy(const PolicyNetworkOptions& options, std::shared_ptr<const SequenceSetting> setting,
                                     at::Generator& generator)
    : options_(options), setting_(std::move(setting)), vocabulary_(setting_->space.vocabulary()) {
  const std::int64_t width = options.hidden_width;
  const std::int64_t length = setting_->prompts.size(1) + setting_->space.max_length();
  const auto normal = [&](const std::string& name, at::IntArrayRef shape) {
    return register_parameter(name, torch::normal(0.0, kInitialStd, shape, generator, torch::kFloat64));
  };
  const auto constant = [&](const std::string& name, std::int64_t size, double value) {
    return register_parameter(name, torch::full({size}, value, torch::kFloat64));
  };
  token_embedding_ = normal("token_embedding", {vocabulary_ + 2, width});
  position_embedding_ = normal("position_embedding", {length, width});
  for (int layer = 0; layer < options.layers; ++layer) {
    const std::string p = fmt::format("block{}_", layer);
    Block b;
    b.norm1_gain = constant(p + "norm1_gain", width, 1);
    b.norm1_bias = constant(p + "norm1_bias", width, 0);
    b.attention_in = normal(p + "attention_in", {3 * width, width});
    b.attention_in_bias = constant(p + "attention_in_bias", 3 * width, 0);
    b.attention_out = normal(p + "attention_out", {width, width});
    b.attention_out_bias = constant(p + "attention_out_bias", width, 0);
    b.norm2_gain = constant(p + "norm2_gain", width, 1);
    b.norm2_bias = constant(p + "norm2_bias", width, 0);
    b.mlp_in = normal(p + "mlp_in", {4 * width, width});
    b.mlp_in_bias = constant(p + "mlp_in_bias", 4 * width, 0);
    b.mlp_out = normal(p + "mlp_out", {width, 4 * width});
    b.mlp_out_bias = constant(p + "mlp_out_bias", width, 0);
    blocks_.push_back(b);
  }
  final_gain_ = constant("final_gain", width, 1);
  final_bias_ = constant("final_bias", width, 0);
  head_ = normal("head", {vocabulary_ + 1, width});
  causal_mask_ = torch::full({length, length}, -std::numeric_limits<double>::infinity(), torch::kFloat64).triu(1);

  // The strings of T − 1 tokens, numbered as base-V numbers, and for each response the one that begins
  // with its first min(|y|, T − 1) tokens (the rest 0): Logits() reads them, over enumerated spaces only.
  if (!setting_->enumerated()) return;
  const int t = setting_->space.max_length();
  std::int64_t count = 1;
  for (int i = 0; i + 1 < t; ++i) count *= vocabulary_;
  prefixes_ = torch::empty({count, t - 1}, torch::kInt64);
  for (std::int64_t p = 0; p < count; ++p) {
    std::int64_t code = p;
    for (int i = t - 2; i >= 0; --i, code /= vocabulary_) prefixes_[p][i] = code % vocabulary_;
  }
  const torch::Tensor& responses = setting_->responses;
  const torch::Tensor lengths = setting_->space.Lengths(responses);
  const torch::Tensor places = torch::arange(t, torch::kInt64).unsqueeze(0);
  place_counts_ = places.le(lengths.unsqueeze(1));
  token_taken_ = responses.clone();  // the end token already sits at place |y| when |y| < T
  const torch::Tensor digits = torch::where(places.slice(1, 0, t - 1).lt(lengths.unsqueeze(1)),
                                            responses.slice(1, 0, t - 1), torch::zeros_like(responses.slice(1, 0, t - 1)));
  torch::Tensor code = torch::zeros({responses.size(0)}, torch::kInt64);
  for (int i = 0; i + 1 < t; ++i) code = code * vocabulary_ + digits.select(1, i);
  prefix_of_response_ = code.unsqueeze(1);
}

std::string TransformerPolicy::Describe() const {
  std::int64_t total = 0;
  for (const auto& p : parameters()) total += p.numel();
  const std::int64_t contexts = setting_->prompts.size(0);
  return fmt::format("transformer(layers={}, heads={}, width={}) over {}, shared by {} prompt{}, {} parameters",
                     options_.layers, options_.heads, options_.hidden_width, setting_->space.Describe(), contexts,
                     contexts == 1 ? "" : "s", total);
}

torch::Tensor TransformerPolicy::Attention(const Block& block, const torch::Tensor& x) const {
  const std::int64_t rows = x.size(0), length = x.size(1), width = x.size(2);
  const std::int64_t heads = options_.heads, head_width = width / heads;
  // B × L × 3w → three B × heads × L × head_width.
  const std::vector<torch::Tensor> qkv =
      torch::linear(x, block.attention_in, block.attention_in_bias).view({rows, length, 3, heads, head_width})
          .permute({2, 0, 3, 1, 4})
          .unbind(0);
  const torch::Tensor scores =
      torch::matmul(qkv[0], qkv[1].transpose(-2, -1)) / std::sqrt(static_cast<double>(head_width)) +
      causal_mask_.slice(0, 0, length).slice(1, 0, length);
  const torch::Tensor mixed = torch::matmul(torch::softmax(scores, -1), qkv[2]).transpose(1, 2).reshape({rows, length, width});
  return torch::linear(mixed, block.attention_out, block.attention_out_bias);
}

torch::Tensor TransformerPolicy::NextTokenLogProbabilities(const torch::Tensor& tokens) {
  const std::int64_t length = tokens.size(1);
  torch::Tensor x = token_embedding_.index_select(0, tokens.reshape({-1})).view({tokens.size(0), length, -1}) +
                    position_embedding_.slice(0, 0, length);
  for (const Block& b : blocks_) {
    x = x + Attention(b, LayerNorm(x, b.norm1_gain, b.norm1_bias));
    const torch::Tensor hidden = torch::gelu(torch::linear(LayerNorm(x, b.norm2_gain, b.norm2_bias), b.mlp_in, b.mlp_in_bias));
    x = x + torch::linear(hidden, b.mlp_out, b.mlp_out_bias);
  }
  return torch::log_softmax(torch::linear(LayerNorm(x, final_gain_, final_bias_), head_), -1);
}

torch::Tensor TransformerPolicy::Inputs(const torch::Tensor& contexts, const torch::Tensor& responses) const {
  const std::int64_t rows = responses.size(0);
  const torch::Tensor start = torch::full({rows, 1}, vocabulary_ + 1, torch::kInt64);
  return torch::cat({start, setting_->prompts.index_select(0, contexts), responses.slice(1, 0, -1)}, 1);
}

torch::Tensor TransformerPolicy::LogProbabilities(const torch::Tensor& contexts, const torch::Tensor& responses) {
  const std::int64_t prompt_length = setting_->prompts.size(1), t = responses.size(1);
  // Position prompt_length + i − 1 of the input (counting the start token as 0) predicts y_i.
  const torch::Tensor predicted = NextTokenLogProbabilities(Inputs(contexts, responses)).slice(1, prompt_length, prompt_length + t);
  const torch::Tensor chosen = predicted.gather(2, responses.unsqueeze(2)).squeeze(2);
  // Tokens up to and with the end token count; after T tokens there is none.
  const torch::Tensor lengths = setting_->space.Lengths(responses);
  const torch::Tensor counted = torch::arange(t, torch::kInt64).unsqueeze(0).le(lengths.unsqueeze(1));
  return torch::where(counted, chosen, torch::zeros_like(chosen)).sum(1);
}

torch::Tensor TransformerPolicy::Logits() { return ContextLogits(0, setting_->prompts.size(0)); }

torch::Tensor TransformerPolicy::ContextLogits(std::int64_t first, std::int64_t count) {
  if (!setting_->enumerated()) {
    throw InvalidArgument(fmt::format("the transformer's policy over every response needs an enumerated space; {} is "
                                      "trained on samples (LogProbabilities, Sample)",
                                      setting_->space.Describe()));
  }
  const torch::Tensor prompts = setting_->prompts.narrow(0, first, count);
  const std::int64_t contexts = count, rows = prefixes_.size(0);
  const std::int64_t prompt_length = prompts.size(1), t = setting_->space.max_length();
  const torch::Tensor inputs = torch::cat({torch::full({contexts * rows, 1}, vocabulary_ + 1, torch::kInt64),
                                           prompts.repeat_interleave(rows, 0), prefixes_.repeat({contexts, 1})},
                                          1);
  // C × rows × T × (V + 1): at place i, the distribution of token i + 1 after each string's first i tokens.
  const torch::Tensor predicted = NextTokenLogProbabilities(inputs)
                                      .slice(1, prompt_length, prompt_length + t)
                                      .view({contexts, rows, t, vocabulary_ + 1});
  using torch::indexing::Slice;
  const torch::Tensor chosen =
      predicted.index({Slice(), prefix_of_response_, torch::arange(t, torch::kInt64).unsqueeze(0), token_taken_});
  return torch::where(place_counts_, chosen, torch::zeros_like(chosen)).sum(2);
}

torch::Tensor TransformerPolicy::Sample(int context, int count, at::Generator& generator) {
  torch::NoGradGuard no_grad;
  const int t = setting_->space.max_length(), end = setting_->space.end_token();
  torch::Tensor tokens = torch::cat({torch::full({count, 1}, vocabulary_ + 1, torch::kInt64),
                                     setting_->prompts[context].view({1, -1}).expand({count, -1})},
                                    1);
  torch::Tensor responses = torch::full({count, t}, end, torch::kInt64);
  torch::Tensor ended = torch::zeros({count}, torch::kBool);
  for (int i = 0; i < t; ++i) {
    const torch::Tensor next = NextTokenLogProbabilities(tokens).select(1, -1).exp();
    torch::Tensor drawn = torch::multinomial(next, 1, /*replacement=*/true, generator).squeeze(1);
    drawn = torch::where(ended, torch::full_like(drawn, end), drawn);
    responses.select(1, i).copy_(drawn);
    ended = ended.logical_or(drawn.eq(end));
    tokens = torch::cat({tokens, drawn.unsqueeze(1)}, 1);
  }
  return responses;
}

}  // namespace nlhf::neural
