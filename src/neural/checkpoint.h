// A training run's checkpoint: one LibTorch archive, DIR/checkpoint.pt, holding everything a resumed run
// needs to continue bit for bit (trainer.cc decides what goes in; this file only writes and reads it).
#ifndef NLHF_SRC_NEURAL_CHECKPOINT_H_
#define NLHF_SRC_NEURAL_CHECKPOINT_H_

#include <torch/torch.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nlhf/neural/trainer.h"

namespace nlhf::neural::internal {

struct CheckpointState {
  nlohmann::json fingerprint;       // every setting that shapes the trajectory
  std::int64_t iteration = 0;
  std::int64_t queries = 0;
  torch::Tensor previous_payoff;    // OMWU's g_{t−1}; undefined when there is none yet
  double loss = std::numeric_limits<double>::quiet_NaN();
  torch::Tensor rng;                // the generator's state
  std::vector<TrainRecord> trace;
};

// Writes DIR/checkpoint.pt into a temporary file renamed over the old one: a run killed mid-write leaves
// the previous checkpoint whole.
void WriteCheckpoint(const std::string& directory, const CheckpointState& state, const torch::nn::Module& network,
                     const torch::optim::Optimizer& optimizer);

// Reads DIR/checkpoint.pt, loading `network` and `optimizer`, after checking that it was made with
// `fingerprint` (InvalidArgument naming the first setting that differs). InvalidArgument when there is
// no checkpoint, ParseError when it cannot be read.
CheckpointState ReadCheckpoint(const std::string& directory, const nlohmann::json& fingerprint,
                               const torch::Device& device, torch::nn::Module& network,
                               torch::optim::Optimizer& optimizer);

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_CHECKPOINT_H_
