#include "cuda/batch_omwu.h"

#include <cuda_runtime.h>
#include <fmt/format.h>

#include <cmath>

#include "cuda/batch_omwu_kernel.h"
#include "nlhf/error.h"

namespace nlhf::cuda {
namespace {

void Check(cudaError_t status, const char* call) {
  if (status != cudaSuccess) throw Error(fmt::format("CUDA: {} failed: {}", call, cudaGetErrorString(status)));
}

// Device memory freed on every path.
template <typename T>
struct DeviceArray {
  T* data = nullptr;
  explicit DeviceArray(std::size_t count) { Check(cudaMalloc(&data, count * sizeof(T)), "cudaMalloc"); }
  ~DeviceArray() { cudaFree(data); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
};

}  // namespace

bool DeviceAvailable(std::string* why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    if (why) {
      *why = status != cudaSuccess ? fmt::format("no CUDA device is visible (CUDA: {})", cudaGetErrorString(status))
                                   : "no CUDA device is visible";
    }
    return false;
  }
  return true;
}

std::string DescribeDevice() {
  std::string why;
  if (!DeviceAvailable(&why)) return "no CUDA device: " + why;
  cudaDeviceProp properties{};
  int device = 0, runtime = 0;
  Check(cudaGetDevice(&device), "cudaGetDevice");
  Check(cudaGetDeviceProperties(&properties, device), "cudaGetDeviceProperties");
  Check(cudaRuntimeGetVersion(&runtime), "cudaRuntimeGetVersion");
  return fmt::format("{} (compute {}.{}, {} SMs), CUDA runtime {}.{}", properties.name, properties.major,
                     properties.minor, properties.multiProcessorCount, runtime / 1000, runtime % 1000 / 10);
}

BatchOmwuResult SolveBatchOmwu(const double* payoff, int games, int n, const BatchOmwuOptions& options) {
  const std::vector<double> step_sizes = CheckedStepSizes(games, n, options);
  std::string why;
  if (!DeviceAvailable(&why)) throw Unavailable(fmt::format("--device cuda: {}", why));
  BatchOmwuResult result;
  result.n = n;
  result.log_policy.resize(static_cast<std::size_t>(games) * n);
  result.gaps.resize(static_cast<std::size_t>(games));
  result.iterations.resize(static_cast<std::size_t>(games));
  result.finite.resize(static_cast<std::size_t>(games));
  if (games == 0) return result;
  const std::size_t entries = static_cast<std::size_t>(games) * n * n;
  DeviceArray<double> a(entries), etas(step_sizes.size()), log_policy(result.log_policy.size()), gaps(result.gaps.size());
  DeviceArray<long long> iterations(result.iterations.size());
  DeviceArray<char> finite(result.finite.size());
  Check(cudaMemcpy(a.data, payoff, entries * sizeof(double), cudaMemcpyHostToDevice), "cudaMemcpy");
  Check(cudaMemcpy(etas.data, step_sizes.data(), step_sizes.size() * sizeof(double), cudaMemcpyHostToDevice),
        "cudaMemcpy");
  cudaEvent_t start, stop;
  Check(cudaEventCreate(&start), "cudaEventCreate");
  Check(cudaEventCreate(&stop), "cudaEventCreate");
  Check(cudaEventRecord(start), "cudaEventRecord");
  Check(internal::LaunchBatchOmwu(a.data, games, n, etas.data, options.max_iterations, options.gap_tolerance,
                                  log_policy.data, gaps.data, iterations.data, finite.data),
        "the batch OMWU kernel's launch");
  Check(cudaEventRecord(stop), "cudaEventRecord");
  Check(cudaEventSynchronize(stop), "the batch OMWU kernel");
  float milliseconds = 0;
  Check(cudaEventElapsedTime(&milliseconds, start, stop), "cudaEventElapsedTime");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  result.kernel_seconds = milliseconds / 1e3;
  Check(cudaMemcpy(result.log_policy.data(), log_policy.data, result.log_policy.size() * sizeof(double),
                   cudaMemcpyDeviceToHost),
        "cudaMemcpy");
  Check(cudaMemcpy(result.gaps.data(), gaps.data, result.gaps.size() * sizeof(double), cudaMemcpyDeviceToHost),
        "cudaMemcpy");
  static_assert(sizeof(long long) == sizeof(std::int64_t));
  Check(cudaMemcpy(result.iterations.data(), iterations.data, result.iterations.size() * sizeof(long long),
                   cudaMemcpyDeviceToHost),
        "cudaMemcpy");
  Check(cudaMemcpy(result.finite.data(), finite.data, result.finite.size(), cudaMemcpyDeviceToHost), "cudaMemcpy");
  return result;
}

}  // namespace nlhf::cuda
