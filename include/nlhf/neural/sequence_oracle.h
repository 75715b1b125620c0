// Preference oracles over token sequences: P(x⊕y ≻ x⊕y′), the probability that a judge prefers response
// y to y′ after prompt x. Every oracle sits behind one interface, so that a researcher's own judge
// (a TorchScript module) plugs in where the built-in ones do.
//
//   gpm          a seeded general preference model (Zhang et al., "General Preference Modeling with
//                Preference Representations", 2024):
//                  P(y ≻ y′) = σ(X·(r(s) − r(s′)) + (1 − X)·φ(s)ᵀ R φ(s′)),   s = x⊕y, s′ = x⊕y′
//                with h(s) the text's unigram and bigram frequencies, r = uᵀh, φ = E h, R = M − Mᵀ
//                skew-symmetric (so the second term makes cycles); u, E, M are N(0, 1) draws from the
//                seed. X = --transitivity dials from cyclic (0) to Bradley–Terry (1).
//   table        a preference matrix over every response, read from a file whose names are the
//                responses' token strings (SequenceSpace::Decode); the same for every prompt.
//   torchscript  a module saved with torch.jit.save whose forward(first, second) takes two B × L int64
//                token batches (the prompt's tokens, the response's, then the end token V up to L = prompt
//                length + T) and returns the B probabilities P(first ≻ second).
#ifndef NLHF_NEURAL_SEQUENCE_ORACLE_H_
#define NLHF_NEURAL_SEQUENCE_ORACLE_H_

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

#include "nlhf/enum_names.h"
#include "nlhf/neural/sequence_space.h"

namespace nlhf::neural {

// How far from complementary an oracle's answers may be, |P(y ≻ y′) + P(y′ ≻ y) − 1|: a model computing
// σ(z) and σ(−z) in float32 rounds at about 1e-7.
inline constexpr double kComplementTolerance = 1e-6;

enum class SequenceOracleKind { kGpm, kTable, kTorchScript };
inline constexpr EnumNames<SequenceOracleKind, 3> kSequenceOracleKindNames{
    {{SequenceOracleKind::kGpm, "gpm"}, {SequenceOracleKind::kTable, "table"}, {SequenceOracleKind::kTorchScript, "torchscript"}}};
inline const char* SequenceOracleKindName(SequenceOracleKind kind) { return NameOf(kSequenceOracleKindNames, kind); }
inline SequenceOracleKind ParseSequenceOracleKind(std::string_view name) {
  return ParseName(kSequenceOracleKindNames, name, "oracle");
}

struct SequenceOracleOptions {
  SequenceOracleKind kind = SequenceOracleKind::kGpm;
  std::string file;           // table and torchscript
  double transitivity = 0.5;  // gpm: X in [0, 1]
  std::uint64_t seed = 0;     // gpm: u, E, M

  // Empty when valid; otherwise the option and the rule.
  std::string Validate() const;
};

class SequenceOracle {
 public:
  virtual ~SequenceOracle() = default;
  // P(x⊕first_b ≻ x⊕second_b) for every row b: `prompt` is the prompt's tokens (1-d int64), `first` and
  // `second` are B × T int64 responses (end-padded, as SequenceSpace::Enumerate writes them). B float64.
  virtual torch::Tensor Probabilities(const torch::Tensor& prompt, const torch::Tensor& first,
                                      const torch::Tensor& second) const = 0;
  // The K × M matrix P[i][j] = P(x⊕y_i ≻ x⊕y′_j) for `rows` y (K × T) and `columns` y′ (M × T); by default
  // from Probabilities in blocks of rows, overridden where a closed form is faster (the gpm oracle's
  // features are then computed once per response, not once per pair).
  virtual torch::Tensor Matrix(const torch::Tensor& prompt, const torch::Tensor& rows, const torch::Tensor& columns) const;
  // The N × N matrix over `responses`.
  torch::Tensor Matrix(const torch::Tensor& prompt, const torch::Tensor& responses) const {
    return Matrix(prompt, responses, responses);
  }
  // "gpm(transitivity=0.5, seed=0)", "table(prefs.json)".
  virtual std::string Describe() const = 0;
};

// Throws InvalidArgument for invalid options, ParseError / InvalidArgument naming the file for a table
// or module that cannot be read or does not fit `space`.
std::unique_ptr<SequenceOracle> MakeSequenceOracle(const SequenceOracleOptions& options, const SequenceSpace& space,
                                                   int prompt_length);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_SEQUENCE_ORACLE_H_
