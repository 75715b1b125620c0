// Experiment files (YAML), as `nlhf run` reads them, with and without --quick: every mistake must be an
// nlhf::Error with its position, never a yaml-cpp exception, a crash or a grid that fills the memory.
#include <algorithm>
#include <cmath>

#include "fuzz_target.h"
#include "nlhf/experiments/experiment.h"

namespace {

// What was accepted is runnable as read: each run's pieces are present and in range, and every method a
// claim names is among the methods.
void CheckRunnable(const nlhf::Experiment& e) {
  if (e.games.empty() || e.methods.empty() || e.seeds.empty() || e.iterations < 1) std::abort();
  for (const double level : e.gap_levels) {
    if (!(level > 0) || !std::isfinite(level)) std::abort();
  }
  if (!(e.stop_at >= 0) || !std::isfinite(e.stop_at)) std::abort();
  if (!e.initial_logits.empty() && e.initial_logits.size() < 2) std::abort();
  for (const double logit : e.initial_logits) {
    if (!std::isfinite(logit)) std::abort();
  }
  const auto listed = [&](const std::string& name) {
    return std::any_of(e.methods.begin(), e.methods.end(),
                       [&](const nlhf::ExperimentMethod& m) { return m.algorithm == name || m.label == name; });
  };
  for (const nlhf::ExperimentClaim& claim : e.claims) {
    if (!claim.method.empty() && !listed(claim.method)) std::abort();
    if (!(claim.factor > 0)) std::abort();
  }
  if (e.neural_run() && (e.neural.samples < 1 || e.neural.contexts < 1)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    CheckRunnable(nlhf::ParseExperiment(std::string(text), "fuzz.yaml"));
    if (text.find("quick") != std::string_view::npos) {
      CheckRunnable(nlhf::ParseExperiment(std::string(text), "fuzz.yaml", {}, true));
    }
  });
}
