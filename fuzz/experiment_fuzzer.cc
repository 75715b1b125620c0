// Experiment files (YAML), as `nlhf run` reads them: every mistake must be an nlhf::Error with its
// position, never a yaml-cpp exception, a crash or a grid that fills the memory.
#include <cmath>

#include "fuzz_target.h"
#include "nlhf/experiments/experiment.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    const nlhf::Experiment e = nlhf::ParseExperiment(std::string(text), "fuzz.yaml");
    // What was accepted is runnable as read: each run's pieces are present and in range.
    if (e.games.empty() || e.methods.empty() || e.seeds.empty() || e.iterations < 1) std::abort();
    for (const double level : e.gap_levels) {
      if (!(level > 0) || !std::isfinite(level)) std::abort();
    }
  });
}
