// What both training loops (trainer.cc over enumerated games, sampled_sequence_trainer.cc over spaces too
// large to enumerate) make the same way from the options: the optimizer, the method's spec, a tensor's
// hash and the settings a checkpoint must match.
#ifndef NLHF_SRC_NEURAL_RUN_SETTINGS_H_
#define NLHF_SRC_NEURAL_RUN_SETTINGS_H_

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nlhf/neural/methods.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::neural::internal {

// options.optimizer over `parameters` at options.learning_rate.
std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const std::vector<torch::Tensor>& parameters,
                                                       const TrainOptions& options);
// "omwu(eta=1)", "online-ipo(eta=1, beta=0.1)": the method with its resolved parameters.
std::string MethodSpec(const NeuralMethod& method, double eta, double beta);
std::uint64_t HashTensor(const torch::Tensor& tensor);
// The settings every run's trajectory depends on: algorithm (`spec`), policy (`network`), learning rate,
// optimizer, feedback, samples, seed, device, log_every. Each loop adds its own.
nlohmann::json CommonFingerprint(const std::string& spec, const std::string& network, const TrainOptions& options);

// After trace record `r` (of a run that started this process at `resumed_from`): stops the run where the
// gap, or a loss past the first record, is not finite (kNumericalFailure), or where `callback` says so
// (kCallbackStop), setting the result's termination and message; true when it stopped.
bool StopAfterRecord(const TrainRecord& r, std::int64_t resumed_from, std::int64_t total, const TrainCallback& callback,
                     TrainResult& result);
// Whether a checkpoint is written after reaching `iteration` of `total` (the last one is written apart).
bool CheckpointDue(const TrainOptions& options, std::int64_t iteration, std::int64_t total);
// The result's iterations, seconds since `start` and microseconds per iteration run in this process.
void RecordTiming(std::chrono::steady_clock::time_point start, std::int64_t iteration, TrainResult& result);

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_RUN_SETTINGS_H_
