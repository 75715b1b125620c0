// A training run's result as JSON, written once: what `nlhf train --json` prints and what
// `nlhf_neural.train` returns (with NumPy arrays added for the policy, the gaps and the trace).
#ifndef NLHF_NEURAL_TRAIN_JSON_H_
#define NLHF_NEURAL_TRAIN_JSON_H_

#include <nlohmann/json.hpp>

#include "nlhf/neural/sampled_sequence_trainer.h"
#include "nlhf/neural/trainer.h"
#include "nlhf/neural/training_games.h"

namespace nlhf::neural {

inline constexpr int kTopResponses = 10;

// algorithm, network, backend, game, feedback, optimizer, learning_rate, termination, message, iterations,
// resumed_from, seconds, microseconds_per_iteration, parameters, queries, mean_gap, max_gap,
// mean_regularized_gap (regularized methods only), gap_kind ("exact": from the whole matrix),
// min_log_probability, and per context its id, duality gap and policy (over "sequences"."responses" for
// sequence games, which add the space, the oracle and each prompt's kTopResponses most probable responses).
nlohmann::json TrainResultJson(const TrainResult& result, const TrainingGames& games, const TrainOptions& options);

// A run on a space too large to enumerate (sampled_sequence_trainer.h): the same keys where they apply,
// "gap_kind": "estimated", the search, and per prompt its estimated gap with the 95% interval and its most
// probable drawn responses; no policy over every response.
nlohmann::json TrainResultJson(const SampledTrainResult& result, const SequenceSetting& setting,
                               const TrainOptions& options);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_TRAIN_JSON_H_
