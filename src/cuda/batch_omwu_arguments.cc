// What SolveBatchOmwu refuses before any device is asked for, the same in a build with CUDA and without.
#include <fmt/format.h>

#include <cmath>

#include "cuda/batch_omwu.h"
#include "nlhf/error.h"

namespace nlhf::cuda {

std::vector<double> CheckedStepSizes(int games, int n, const BatchOmwuOptions& options) {
  if (n < 1 || n > kMaxActions) {
    throw InvalidArgument(fmt::format("the CUDA batch takes games of 1 to {} responses, not {}", kMaxActions, n));
  }
  if (games < 0) throw InvalidArgument(fmt::format("games = {}: at least 0", games));
  if (!options.step_sizes.empty() && options.step_sizes.size() != static_cast<std::size_t>(games)) {
    throw InvalidArgument(fmt::format("{} step sizes for {} games", options.step_sizes.size(), games));
  }
  std::vector<double> step_sizes = options.step_sizes;
  if (step_sizes.empty()) step_sizes.assign(static_cast<std::size_t>(games), options.step_size);
  for (const double eta : step_sizes) {
    if (!(eta > 0) || !std::isfinite(eta)) {
      throw InvalidArgument(fmt::format("eta = {}. Violated constraint: 0 < eta < inf", eta));
    }
  }
  return step_sizes;
}

}  // namespace nlhf::cuda
