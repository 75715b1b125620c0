#include "cuda/batch_omwu_kernel.h"

namespace nlhf::cuda::internal {
namespace {

constexpr int kLanes = kMaxActions;  // threads per game: lane i holds row i of A
constexpr int kThreadsPerBlock = 256;

// Sum and maximum over the 16 lanes of a game (xor butterfly: every lane ends with the result).
__device__ double GroupSum(double value, unsigned mask) {
  for (int offset = kLanes / 2; offset > 0; offset /= 2) value += __shfl_xor_sync(mask, value, offset, kLanes);
  return value;
}
__device__ double GroupMax(double value, unsigned mask) {
  for (int offset = kLanes / 2; offset > 0; offset /= 2) value = fmax(value, __shfl_xor_sync(mask, value, offset, kLanes));
  return value;
}

// One game per 16 lanes. The state mirrors SmallOmwuState (solvers/small_omwu_kernels.h): unnormalized
// log-weights, padded lanes at −1e300 (weight exactly 0) with a zero row, the product taken on the
// weights and scaled by 1/Σw, log Σw subtracted every `renormalize_every` updates. Every lane computes the
// same total, gap and verdict, so a game's lanes stay in step; games of one warp stop independently
// (their shuffles name only their own lanes).
__global__ void BatchOmwuKernel(const double* __restrict__ payoff, int games, int n, const double* __restrict__ step_sizes,
                                long long max_iterations, double tolerance, double* __restrict__ log_policy,
                                double* __restrict__ gaps, long long* __restrict__ iterations,
                                char* __restrict__ finite_out) {
  const long long thread = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  const long long game = thread / kLanes;
  if (game >= games) return;  // whole groups of 16 leave together
  const int lane = threadIdx.x % kLanes;
  const unsigned mask = 0xFFFFu << (threadIdx.x & 16);
  const bool real = lane < n;
  const double eta = step_sizes[game];

  double row[kLanes];
  double largest = 0;
  const double* a = payoff + game * n * n + static_cast<long long>(lane) * n;
#pragma unroll
  for (int j = 0; j < kLanes; ++j) {
    row[j] = real && j < n ? a[j] : 0.0;
    largest = fmax(largest, fabs(row[j]));
  }
  largest = GroupMax(largest, mask);
  // As SmallOmwu: the largest log-weight drifts by at most 3η·max|A| per update; 300 of exp's range.
  const double drift = 3 * eta * largest;
  const int renormalize_every = static_cast<int>(fmin(fmax(300 / fmax(drift, 1e-300), 1.0), 32.0));

  double log_weight = real ? 0.0 : -1e300;  // the uniform policy, shifted so that its largest is 0
  double weight = exp(log_weight);
  const auto product = [&](double w) {
    double sums[4] = {0, 0, 0, 0};
#pragma unroll
    for (int j = 0; j < kLanes; ++j) sums[j & 3] += row[j] * __shfl_sync(mask, w, j, kLanes);
    return (sums[0] + sums[1]) + (sums[2] + sums[3]);
  };
  double total = GroupSum(weight, mask);
  double payoff_now = product(weight) / total;
  double payoff_before = payoff_now;
  double gap = 2 * GroupMax(payoff_now, mask);
  bool finite = true;
  long long t = 0;
  int since_renormalized = 0;
  while (t < max_iterations && finite && isfinite(gap) && gap > tolerance) {
    log_weight += eta * (2.0 * payoff_now - payoff_before);
    if (++since_renormalized == renormalize_every) {
      log_weight -= log(total);
      since_renormalized = 0;
    }
    weight = exp(log_weight);
    const double y = product(weight);
    total = GroupSum(weight, mask);
    finite = isfinite(total) && total > 0;
    payoff_before = payoff_now;
    payoff_now = y * (1.0 / total);
    gap = 2 * GroupMax(payoff_now, mask);
    ++t;
  }
  if (real) log_policy[game * n + lane] = log_weight - log(total);
  if (lane == 0) {
    gaps[game] = gap;
    iterations[game] = t;
    finite_out[game] = finite ? 1 : 0;
  }
}

}  // namespace

cudaError_t LaunchBatchOmwu(const double* payoff, int games, int n, const double* step_sizes, long long max_iterations,
                            double tolerance, double* log_policy, double* gaps, long long* iterations, char* finite) {
  const long long threads = static_cast<long long>(games) * kLanes;
  const auto blocks = static_cast<unsigned>((threads + kThreadsPerBlock - 1) / kThreadsPerBlock);
  BatchOmwuKernel<<<blocks, kThreadsPerBlock>>>(payoff, games, n, step_sizes, max_iterations, tolerance, log_policy, gaps,
                                                iterations, finite);
  return cudaGetLastError();
}

}  // namespace nlhf::cuda::internal
