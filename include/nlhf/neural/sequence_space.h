// The responses of a sequence policy: token strings over a vocabulary of V tokens, at most T long. A
// policy writes one token at a time from V + 1 choices, the (V + 1)-th being the end token; after T
// tokens the response ends without one. So the responses are the strings of length 0..T, and there are
// Σ_{k=0}^{T} V^k of them (at most (V + 1)^T): 121 for V = 3, T = 4.
#ifndef NLHF_NEURAL_SEQUENCE_SPACE_H_
#define NLHF_NEURAL_SEQUENCE_SPACE_H_

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nlhf::neural {

class SequenceSpace {
 public:
  // The most responses the exact certificate enumerates (and exact feedback weights one by one).
  static constexpr std::int64_t kMaxEnumerated = 65536;

  // Throws InvalidArgument unless 1 <= vocabulary <= 1,000 and 1 <= max_length <= 64.
  SequenceSpace(int vocabulary, int max_length);

  int vocabulary() const { return vocabulary_; }
  int max_length() const { return max_length_; }
  int end_token() const { return vocabulary_; }

  // Σ_{k=0}^{T} V^k, or nullopt when it exceeds 2^62 (such a space is never enumerated).
  std::optional<std::int64_t> size() const;
  bool enumerable() const { return size() && *size() <= kMaxEnumerated; }

  // Every response, shortest first, then in lexicographic order of tokens: an N × T int64 tensor with
  // the end token after the last token and in every later place. Throws InvalidArgument when the space
  // is not enumerable, saying why.
  torch::Tensor Enumerate() const;
  // The number of tokens of each row of such a tensor (the place of its first end token, or T).
  torch::Tensor Lengths(const torch::Tensor& responses) const;
  // The row of Enumerate() that holds each row of `responses` (B × T, end-padded): shorter responses
  // first, then the base-V number of the tokens. Defined for every space whose size() is known.
  torch::Tensor Index(const torch::Tensor& responses) const;

  // A response as text: its tokens as letters a, b, c, ... when V <= 26 ("abca"), else "t0.t12.t3";
  // the empty response is "<empty>". Parse is its inverse (nullopt for text that is no response).
  std::string Decode(const std::vector<int>& tokens) const;
  std::optional<std::vector<int>> Parse(const std::string& text) const;
  // "V = 3 tokens, at most T = 4: 121 responses".
  std::string Describe() const;

 private:
  int vocabulary_;
  int max_length_;
};

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_SEQUENCE_SPACE_H_
