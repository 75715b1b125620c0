#include "nlhf/neural/train_json.h"

#include <cmath>

#include "nlhf/io/result_json.h"
#include "nlhf/neural/sequence_games.h"

namespace nlhf::neural {

nlohmann::json TrainResultJson(const TrainResult& result, const TrainingGames& games, const TrainOptions& options) {
  nlohmann::json out;
  out["algorithm"] = result.algorithm;
  out["network"] = result.network;
  out["backend"] = result.backend;
  out["game"] = games.description;
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
      nlohmann::json ranked = nlohmann::json::array();
      for (const RankedResponse& r : top[static_cast<size_t>(c)]) ranked.push_back({{"response", r.name}, {"probability", r.probability}});
      prompts.push_back({{"prompt", games.contexts[c]}, {"top_responses", ranked}});
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

}  // namespace nlhf::neural
