// Games over token sequences: one preference game per prompt, over every response of a SequenceSpace,
// with the preference matrix built once from a SequenceOracle. These are TrainingGames like any other
// (their `sequences` set), so every method, backend, certificate, checkpoint and trace of the trainer
// serves them; a sequence policy (the transformer) reads the space and prompts from them.
#ifndef NLHF_NEURAL_SEQUENCE_GAMES_H_
#define NLHF_NEURAL_SEQUENCE_GAMES_H_

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nlhf/neural/sequence_oracle.h"
#include "nlhf/neural/sequence_space.h"
#include "nlhf/neural/training_games.h"

namespace nlhf::neural {

struct SequenceGameOptions {
  int vocabulary = 3;     // V
  int max_length = 4;     // T
  int prompts = 1;        // contexts
  int prompt_length = 2;  // tokens per prompt
  std::uint64_t seed = 0;  // which prompts
  SequenceOracleOptions oracle;

  // Empty when valid; otherwise the option and the rule. Any space is valid here; MakeSequenceGames
  // further needs it enumerable (its matrices are built over every response).
  std::string Validate() const;
};

// What a sequence policy needs of its games.
struct SequenceSetting {
  SequenceSpace space;
  torch::Tensor prompts;                       // C × prompt length, int64
  std::vector<std::string> prompt_names;       // SequenceSpace::Decode of each prompt
  std::shared_ptr<const SequenceOracle> judge;  // the oracle itself, for training on samples
  std::string oracle;                          // SequenceOracle::Describe()
  // Enumerated spaces only (MakeSequenceGames); undefined / empty for a space trained on samples alone.
  torch::Tensor responses;          // N × T int64: SequenceSpace::Enumerate(), the games' response order
  std::vector<std::string> names;   // SequenceSpace::Decode of each response
  std::int64_t matrix_queries = 0;  // oracle answers asked to build the matrices (N² per prompt)

  bool enumerated() const { return responses.defined(); }
};

// The space, the prompts and the oracle, without enumerating the responses: what training on samples
// needs (sampled_sequence_trainer.h), for a space of any size. Throws InvalidArgument for invalid
// options or an oracle that cannot be made.
std::shared_ptr<SequenceSetting> MakeSequenceSetting(const SequenceGameOptions& options);

// The prompts: distinct seeded draws of `prompt_length` tokens (the first C of a seeded shuffle of all
// V^length prompts), named by their token strings; then each prompt's matrix from the oracle, checked
// (entries in [0, 1], |P + Pᵀ − 1| <= 1e-6, naming the prompt and the pair) and made exactly skew,
// A = (P − Pᵀ)/2. Throws InvalidArgument for invalid options or an oracle that breaks the rules.
TrainingGames MakeSequenceGames(const SequenceGameOptions& options);

// The `count` most probable responses of each context under `policy` (C × N probabilities over
// setting.responses): their names and probabilities, most probable first.
struct RankedResponse {
  std::string name;
  double probability;
};
std::vector<std::vector<RankedResponse>> TopResponses(const SequenceSetting& setting, const Eigen::MatrixXd& policy,
                                                      int count);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_SEQUENCE_GAMES_H_
