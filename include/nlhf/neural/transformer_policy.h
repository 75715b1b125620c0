// The sequence policy: a small causal decoder (GPT-style, pre-norm) that writes a response token by
// token after its context's prompt. Tokens 0..V−1 are the vocabulary, V the end token, V + 1 the start
// token before the prompt. Each block is x += Attention(LayerNorm(x)); x += MLP(LayerNorm(x)) with a
// causal mask and a GELU MLP of 4× the width; a final LayerNorm and a linear head give the V + 1
// next-token logits. Float64 throughout, so that enumerated log-probabilities and the certificate built
// on them are exact to rounding.
//
// log π(y | x) = Σ_{i < |y|} log p(y_i | x, y_<i) + [|y| < T] log p(end | x, y): the sequence
// log-probability of sequence_space.h's responses, which sum to 1 over the space.
#ifndef NLHF_NEURAL_TRANSFORMER_POLICY_H_
#define NLHF_NEURAL_TRANSFORMER_POLICY_H_

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "nlhf/neural/policy_network.h"
#include "nlhf/neural/sequence_games.h"

namespace nlhf::neural {

class TransformerPolicy : public PolicyNetwork {
 public:
  // Weights N(0, 0.02) (GPT-2's), biases 0, LayerNorm gains 1, all drawn from `generator`.
  TransformerPolicy(const PolicyNetworkOptions& options, std::shared_ptr<const SequenceSetting> setting,
                    at::Generator& generator);

  // C × N: the log-probability of every enumerated response after each context's prompt, in one
  // batched forward. Already normalized, so log_softmax leaves it unchanged. InvalidArgument where the
  // setting is not enumerated (a space trained on samples).
  //
  // Why not one row per response: the decoder's input for a response is its first T − 1 tokens, and a
  // causal model's prediction at a place depends only on what precedes it, so the V^(T−1) strings of
  // T − 1 tokens give every next-token distribution that any response needs (a shorter response reads
  // its end token where any string beginning with it does). That is 27 rows instead of 121 for V = 3,
  // T = 4, and 256 instead of 4,369 for V = 16, T = 3 (docs/benchmarks.md).
  torch::Tensor Logits() override;
  torch::Tensor ContextLogits(std::int64_t first, std::int64_t count) override;
  // log π(y_b | prompt of context c_b) for each row b: `contexts` B int64, `responses` B × T end-padded.
  torch::Tensor LogProbabilities(const torch::Tensor& contexts, const torch::Tensor& responses);
  // `count` responses after context c's prompt, temperature 1, drawn from `generator`: count × T
  // end-padded int64.
  torch::Tensor Sample(int context, int count, at::Generator& generator);

  // One network for every prompt.
  int contexts_per_parameter() const override { return static_cast<int>(setting_->prompts.size(0)); }
  std::string Describe() const override;

 private:
  struct Block {
    torch::Tensor norm1_gain, norm1_bias, attention_in, attention_in_bias, attention_out, attention_out_bias;
    torch::Tensor norm2_gain, norm2_bias, mlp_in, mlp_in_bias, mlp_out, mlp_out_bias;
  };
  // B × L tokens → B × L × (V + 1) next-token log-probabilities.
  torch::Tensor NextTokenLogProbabilities(const torch::Tensor& tokens);
  torch::Tensor Attention(const Block& block, const torch::Tensor& x) const;
  // [start, prompt, y_1 .. y_{T−1}] for each row.
  torch::Tensor Inputs(const torch::Tensor& contexts, const torch::Tensor& responses) const;

  PolicyNetworkOptions options_;
  std::shared_ptr<const SequenceSetting> setting_;
  int vocabulary_;
  torch::Tensor token_embedding_, position_embedding_, final_gain_, final_bias_, head_;
  std::vector<Block> blocks_;
  torch::Tensor causal_mask_;  // L × L: 0 on and below the diagonal, −∞ above
  // For Logits(): the V^(T−1) strings of T − 1 tokens, and for each enumerated response and place the
  // string whose predictions it reads, the token it takes there (its own, or the end token) and whether
  // the place counts.
  torch::Tensor prefixes_;            // V^(T−1) × (T − 1)
  torch::Tensor prefix_of_response_;  // N × 1
  torch::Tensor token_taken_;         // N × T
  torch::Tensor place_counts_;        // N × T bool
};

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_TRANSFORMER_POLICY_H_
