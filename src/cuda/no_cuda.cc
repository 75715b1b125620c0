// A build without CUDA (nvcc not found, or -DNLHF_CUDA=OFF): the functions of cuda/batch_omwu.h say so.
#include "cuda/batch_omwu.h"
#include "nlhf/error.h"

namespace nlhf::cuda {

namespace {
constexpr const char* kWhy = "this build has no CUDA (configure where nvcc is found, -DNLHF_CUDA=ON; docs/gpu.md)";
}  // namespace

bool DeviceAvailable(std::string* why) {
  if (why) *why = kWhy;
  return false;
}

std::string DescribeDevice() { return std::string("no CUDA device: ") + kWhy; }

BatchOmwuResult SolveBatchOmwu(const double*, int games, int n, const BatchOmwuOptions& options) {
  CheckedStepSizes(games, n, options);
  throw Unavailable(std::string("--device cuda: ") + kWhy);
}

}  // namespace nlhf::cuda
