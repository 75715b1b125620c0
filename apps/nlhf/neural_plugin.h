// The LibTorch part of the command line (`nlhf train`, the neural figure of `nlhf reproduce`), loaded on
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
#include "nlhf/io/gnuplot.h"

namespace nlhf::cli {

// Bumped when this table or the arguments it passes (TrainArgs) change, so that a stale module beside a
// newer binary is refused, not called.
inline constexpr int kNeuralPluginVersion = 2;

struct NeuralPluginFunctions {
  int version;
  int (*run_train)(const TrainArgs& args);
  void (*neural_figure_panels)(bool quick, int seeds, const std::function<void(const std::string&)>& progress,
                               std::vector<std::pair<std::string, MethodPanel>>* panels);
  std::string (*torch_version)();
};

// True when the module is beside the binary and loads.
bool NeuralPluginAvailable();
// The module's functions; throws Unavailable ("built without LibTorch ...") when it is absent.
const NeuralPluginFunctions& NeuralPlugin();

}  // namespace nlhf::cli

#endif  // NLHF_APPS_NEURAL_PLUGIN_H_
