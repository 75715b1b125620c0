#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>

#include "neural_plugin.h"
#include "nlhf/error.h"

namespace nlhf::cli {
namespace {

constexpr const char* kModuleName = "libnlhf_neural_cli.so";

struct Loaded {
  const NeuralPluginFunctions* functions = nullptr;
  std::string problem;  // why not, when functions is null
};

const Loaded& Load() {
  static const Loaded loaded = [] {
    Loaded result;
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    // Beside the binary in a build tree; in the library folder of an installed one (cmake --install).
    std::filesystem::path module = executable.parent_path() / kModuleName;
    if (!error && !std::filesystem::exists(module)) module = executable.parent_path() / NLHF_INSTALLED_PLUGIN_DIR / kModuleName;
    if (error || !std::filesystem::exists(module)) {
      result.problem = fmt::format("this nlhf was built without LibTorch (no {} beside the binary): install "
                                   "libtorch-dev (make deps does) and rebuild",
                                   kModuleName);
      return result;
    }
    void* handle = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      result.problem = fmt::format("cannot load {}: {}", module.string(), ::dlerror());
      return result;
    }
    using Entry = const NeuralPluginFunctions* (*)();
    const auto entry = reinterpret_cast<Entry>(::dlsym(handle, "NlhfNeuralPlugin"));
    if (entry == nullptr || entry()->version != kNeuralPluginVersion) {
      result.problem = fmt::format("{} does not match this nlhf binary: rebuild both", module.string());
      return result;
    }
    result.functions = entry();
    return result;
  }();
  return loaded;
}

}  // namespace

bool NeuralPluginAvailable() { return Load().functions != nullptr; }

const NeuralPluginFunctions& NeuralPlugin() {
  const Loaded& loaded = Load();
  if (loaded.functions == nullptr) throw Unavailable(loaded.problem);
  return *loaded.functions;
}

NeuralRunner ExperimentNeuralRunner() {
  if (!NeuralPluginAvailable()) return {};
  return [](const NeuralRunRequest& request) {
    NeuralRunOutcome outcome;
    NeuralPlugin().experiment_run(request, &outcome);
    return outcome;
  };
}

}  // namespace nlhf::cli
