// The LibTorch part of the command line (`nlhf train`, the neural experiment files of `nlhf run` and `nlhf reproduce`), loaded on
// demand. Why a plugin: linking LibTorch into the binary made every command, `nlhf solve` included, pay
// about 0.3 s at start-up (LibTorch registers its operators when it is loaded); loaded with dlopen only
// by the commands that train, the rest start in milliseconds.
#ifndef NLHF_APPS_NEURAL_PLUGIN_H_
#define NLHF_APPS_NEURAL_PLUGIN_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/experiments/experiment.h"
#include "nlhf/io/gnuplot.h"

namespace nlhf::cli {

// Bumped when this table or the arguments it passes (TrainArgs) change, so that a stale module beside a
// newer binary is refused, not called.
inline constexpr int kNeuralPluginVersion = 6;

struct NeuralPluginFunctions {
  int version;
  int (*run_train)(const TrainArgs& args);
  std::string (*torch_version)();
  // One training run of an experiment file with a neural policy (nlhf run, nlhf reproduce).
  void (*experiment_run)(const NeuralRunRequest& request, NeuralRunOutcome* outcome);
};

// The neural module's trainer for RunExperimentOptions::neural, or an empty function without the module.
NeuralRunner ExperimentNeuralRunner();

// True when the module is beside the binary and loads.
bool NeuralPluginAvailable();
// The module's functions; throws Unavailable ("built without LibTorch ...") when it is absent.
const NeuralPluginFunctions& NeuralPlugin();

}  // namespace nlhf::cli

#endif  // NLHF_APPS_NEURAL_PLUGIN_H_
