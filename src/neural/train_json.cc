#include "nlhf/neural/train_json.h"

#include <cmath>

#include "nlhf/io/result_json.h"

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
  if (!std::isnan(result.mean_regularized_gap)) out["mean_regularized_gap"] = result.mean_regularized_gap;
  nlohmann::json contexts = nlohmann::json::array();
  for (int c = 0; c < games.num_contexts(); ++c) {
    contexts.push_back({{"context", games.contexts[c]},
                        {"duality_gap", result.gaps(c)},
                        {"policy", ToJson(Eigen::VectorXd(result.policy.row(c).transpose()))}});
  }
  out["contexts"] = contexts;
  return out;
}

}  // namespace nlhf::neural
