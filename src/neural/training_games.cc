#include "nlhf/neural/training_games.h"

#include <fmt/format.h>

#include <filesystem>

#include "nlhf/error.h"
#include "nlhf/game.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/resources.h"
#include "neural/eigen_tensor.h"

namespace nlhf::neural {
namespace {

using internal::ToTensor;

torch::Tensor GaussianFeatures(int contexts, std::uint64_t seed) {
  at::Generator generator = at::detail::createCPUGenerator(seed);
  return torch::normal(0.0, 1.0, {contexts, kGeneratedFeatureDimension}, generator, torch::kFloat64);
}

}  // namespace

TrainingGames GenerateTrainingGames(const GeneratorOptions& options, int contexts) {
  if (contexts < 1) throw InvalidArgument(fmt::format("contexts = {}. Violated constraint: contexts >= 1", contexts));
  // The generated matrices and their C×n×n tensor, checked before any is made.
  RequireMemory(fmt::format("train --contexts {} --n {}", contexts, options.n),
                8.0 * 2 * contexts * static_cast<double>(options.n) * options.n);
  TrainingGames games;
  std::vector<torch::Tensor> payoffs;
  for (int c = 0; c < contexts; ++c) {
    GeneratorOptions one = options;
    one.seed = options.seed + static_cast<std::uint64_t>(c);
    const GeneratedGame generated = Generate(one);
    if (generated.is_payoff) {
      throw InvalidArgument(fmt::format("--generate {} makes a payoff game; training needs a preference game", options.kind));
    }
    payoffs.push_back(ToTensor(generated.matrix.array() - 0.5));
    games.contexts.push_back(std::to_string(c));
    if (c == 0) games.description = generated.description;
  }
  games.payoff = torch::stack(payoffs);
  games.features = GaussianFeatures(contexts, options.seed);
  if (contexts > 1) games.description += fmt::format(" and {} more seeds", contexts - 1);
  return games;
}

TrainingGames MakeTrainingGames(const std::vector<Eigen::MatrixXd>& preferences, const Eigen::MatrixXd& features,
                                std::uint64_t seed, const std::string& description) {
  if (preferences.empty()) throw InvalidArgument("no contexts: give at least one preference matrix");
  TrainingGames games;
  std::vector<torch::Tensor> payoffs;
  const Eigen::Index n = preferences.front().rows();
  for (size_t c = 0; c < preferences.size(); ++c) {
    const PreferenceGame validated(preferences[c], {}, {}, {fmt::format("context {}", c), {}});
    if (validated.num_responses() != n) {
      throw InvalidArgument(fmt::format("context {}: {} responses, but context 0 has {}; every context needs the "
                                        "same number",
                                        c, validated.num_responses(), n));
    }
    payoffs.push_back(ToTensor(validated.Payoff()));
    games.contexts.push_back(std::to_string(c));
  }
  const int contexts = static_cast<int>(preferences.size());
  games.payoff = torch::stack(payoffs);
  if (features.size() == 0) {
    games.features = GaussianFeatures(contexts, seed);
  } else {
    if (features.rows() != contexts || !features.allFinite()) {
      throw InvalidArgument(fmt::format("features must be a finite {} x d matrix (one row per context), got {} x {}",
                                        contexts, features.rows(), features.cols()));
    }
    games.features = ToTensor(features);
  }
  games.description = description;
  return games;
}

TrainingGames ReadTrainingGames(const std::string& path, std::uint64_t seed) {
  const std::string extension = std::filesystem::path(path).extension().string();
  // A .npy file is read as a batch: a (contexts, n, n) array holds one game per context, a 2-D one a single
  // game.
  const bool batch = extension == ".jsonl" || extension == ".ndjson" || extension == ".egpo" || extension == ".npy";
  std::vector<BatchGame> batch_games;
  MatrixSource single_file_source;  // row line numbers for the messages about a single matrix
  if (batch) {
    batch_games = ReadBatchFile(path);
  } else {
    MatrixFile file = ReadMatrixFile(path);
    if (file.is_payoff) throw InvalidArgument(fmt::format("{}: training needs a preference matrix, not a payoff matrix", path));
    single_file_source = file.source;
    batch_games.push_back({"0", file.values, file.row_names, path, {}});
  }
  TrainingGames games;
  std::vector<torch::Tensor> payoffs;
  const int n = static_cast<int>(batch_games.front().preferences.rows());
  const size_t feature_dimension = batch_games.front().features.size();
  std::vector<torch::Tensor> features;
  for (const BatchGame& game : batch_games) {
    // Validates P ∈ [0, 1], P + Pᵀ = 1, finite entries, naming the entry.
    const MatrixSource source = batch ? MatrixSource{game.where, {}} : single_file_source;
    PreferenceGame validated(game.preferences, game.responses, {}, source);
    if (validated.num_responses() != n) {
      throw InvalidArgument(fmt::format("{}: {} responses, but the first context has {}; every context of a "
                                        "training file needs the same number of responses",
                                        game.where, validated.num_responses(), n));
    }
    if (game.features.size() != feature_dimension) {
      throw InvalidArgument(fmt::format("{}: {} features, but the first context has {}; give \"features\" of "
                                        "the same length on every line, or on none",
                                        game.where, game.features.size(), feature_dimension));
    }
    payoffs.push_back(ToTensor(validated.Payoff()));
    if (feature_dimension > 0) {
      features.push_back(torch::tensor(game.features, torch::kFloat64));
    }
    games.contexts.push_back(game.context);
  }
  games.payoff = torch::stack(payoffs);
  const int contexts = static_cast<int>(batch_games.size());
  games.features = feature_dimension > 0 ? torch::stack(features) : GaussianFeatures(contexts, seed);
  games.description = contexts == 1 ? path : fmt::format("{} ({} contexts)", path, contexts);
  return games;
}

}  // namespace nlhf::neural
