#include "nlhf/neural/train_json.h"

#include <fmt/format.h>

#include <cmath>

#include "nlhf/io/result_json.h"
#include "nlhf/neural/sequence_games.h"

namespace nlhf::neural {

namespace {

// The keys every run has, whatever its certificate.
nlohmann::json RunJson(const TrainResult& result, const std::string& game, const TrainOptions& options) {
  nlohmann::json out;
  out["algorithm"] = result.algorithm;
  out["network"] = result.network;
  out["backend"] = result.backend;
  if (options.data_parallel.world_size > 1) out["world_size"] = options.data_parallel.world_size;
  out["game"] = game;
  out["feedback"] = FeedbackKindName(options.feedback);
  out["optimizer"] = OptimizerKindName(options.optimizer);
  out["learning_rate"] = options.learning_rate;
  out["termination"] = TerminationName(result.termination);
  out["message"] = result.message;
  out["iterations"] = result.iterations;
  out["resumed_from"] = result.resumed_from;
  out["seconds"] = result.seconds;
  out["microseconds_per_iteration"] = result.microseconds_per_iteration;
  out["parameters"] = result.parameters;
  out["queries"] = result.queries;
  out["mean_gap"] = result.mean_gap;
  out["max_gap"] = result.max_gap;
  return out;
}

nlohmann::json RankedJson(const std::vector<RankedResponse>& top) {
  nlohmann::json ranked = nlohmann::json::array();
  for (const RankedResponse& r : top) ranked.push_back({{"response", r.name}, {"probability", r.probability}});
  return ranked;
}

}  // namespace

nlohmann::json TrainResultJson(const TrainResult& result, const TrainingGames& games, const TrainOptions& options) {
  nlohmann::json out = RunJson(result, games.description, options);
  // Every gap nlhf train reports is computed from the whole preference matrix of each context (for
  // sequence games, over every enumerated response), never estimated from samples.
  out["gap_kind"] = "exact";
  out["min_log_probability"] = result.trace.empty() ? 0.0 : result.trace.back().min_log_probability;
  if (!std::isnan(result.mean_regularized_gap)) out["mean_regularized_gap"] = result.mean_regularized_gap;
  nlohmann::json contexts = nlohmann::json::array();
  for (int c = 0; c < games.num_contexts(); ++c) {
    contexts.push_back({{"context", games.contexts[c]},
                        {"duality_gap", result.gaps(c)},
                        {"policy", ToJson(Eigen::VectorXd(result.policy.row(c).transpose()))}});
  }
  out["contexts"] = contexts;
  if (const SequenceSetting* setting = games.sequences.get()) {
    const auto top = TopResponses(*setting, result.policy, kTopResponses);
    nlohmann::json prompts = nlohmann::json::array();
    for (int c = 0; c < games.num_contexts(); ++c) {
      prompts.push_back({{"prompt", games.contexts[c]}, {"top_responses", RankedJson(top[static_cast<size_t>(c)])}});
    }
    out["sequences"] = {{"vocabulary", setting->space.vocabulary()},
                        {"max_length", setting->space.max_length()},
                        {"responses", setting->names},
                        {"oracle", setting->oracle},
                        {"oracle_matrix_queries", setting->matrix_queries},
                        {"prompts", prompts}};
  }
  return out;
}

nlohmann::json TrainResultJson(const SampledTrainResult& sampled, const SequenceSetting& setting,
                               const TrainOptions& options) {
  const TrainResult& result = sampled.train;
  const std::int64_t prompts = setting.prompts.size(0);
  nlohmann::json out = RunJson(result,
                               fmt::format("{} over {}, {} prompt{} (trained on samples)", setting.oracle,
                                           setting.space.Describe(), prompts, prompts == 1 ? "" : "s"),
                               options);
  // The space is too large for the certificate: these gaps are the payoffs of the best responses a stated
  // search found (gap_estimate.h), lower bounds up to sampling error.
  out["gap_kind"] = "estimated";
  out["gap_search"] = sampled.search;
  out["confidence"] = 0.95;
  out["min_log_probability"] = result.trace.empty() ? 0.0 : result.trace.back().min_log_probability;
  nlohmann::json per_prompt = nlohmann::json::array();
  for (std::int64_t c = 0; c < prompts; ++c) {
    const auto i = static_cast<Eigen::Index>(c);
    per_prompt.push_back({{"prompt", setting.prompt_names[static_cast<size_t>(c)]},
                          {"estimated_gap", result.gaps(i)},
                          {"low", result.gap_low(i)},
                          {"high", result.gap_high(i)},
                          {"top_responses", RankedJson(sampled.top_responses[static_cast<size_t>(c)])}});
  }
  out["sequences"] = {{"vocabulary", setting.space.vocabulary()},
                      {"max_length", setting.space.max_length()},
                      {"responses", setting.space.Describe()},
                      {"oracle", setting.oracle},
                      {"prompts", per_prompt}};
  return out;
}

}  // namespace nlhf::neural
