// The games a neural policy trains on: one preference game per context (prompt), all over the same
// number of responses n, held as tensors so that every context is updated in one tensor program.
#ifndef NLHF_NEURAL_TRAINING_GAMES_H_
#define NLHF_NEURAL_TRAINING_GAMES_H_

#include <torch/torch.h>

#include <Eigen/Dense>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nlhf/generators.h"

namespace nlhf::neural {

struct SequenceSetting;  // sequence_games.h

struct TrainingGames {
  std::vector<std::string> contexts;  // one id per context
  torch::Tensor payoff;               // C×n×n float64, A = P − 1/2 (skew-symmetric), on the CPU
  torch::Tensor features;             // C×d float64: what the contextual policy sees of each context
  std::string description;            // "planted(n=100, seed=1) ×1", "games.jsonl (64 contexts)"
  // Games over token sequences (MakeSequenceGames): the space, prompts and responses; null otherwise.
  std::shared_ptr<const SequenceSetting> sequences;

  int num_contexts() const { return static_cast<int>(payoff.size(0)); }
  int num_responses() const { return static_cast<int>(payoff.size(2)); }
};

// Features of generated contexts and of files without a "features" field: this many N(0, 1) numbers.
inline constexpr int kGeneratedFeatureDimension = 10;

// `contexts` games of `options.kind`, with seeds options.seed, options.seed + 1, ...; each context's
// features are N(0, 1) draws seeded by options.seed. Preference kinds only (not hard2x2).
TrainingGames GenerateTrainingGames(const GeneratorOptions& options, int contexts);

// Contexts from preference matrices (checked as `nlhf solve` checks them; messages name "context c"),
// all n × n, with `features` (C × d) or, when empty, seeded N(0, 1) features.
TrainingGames MakeTrainingGames(const std::vector<Eigen::MatrixXd>& preferences, const Eigen::MatrixXd& features,
                                std::uint64_t seed, const std::string& description);

// One preference matrix (any matrix format `nlhf solve` reads) or a batch file (.jsonl: one game per
// line, optional "features"; EGPO text). Every context must have the same n and the features, where
// given, the same length on every line (or none anywhere: they are then drawn as for generated games,
// seeded by `seed`). Throws ParseError / InvalidArgument naming the file and line.
TrainingGames ReadTrainingGames(const std::string& path, std::uint64_t seed);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_TRAINING_GAMES_H_
