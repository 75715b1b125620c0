// OMWU on many small games at once on a CUDA device (issue 20; docs/gpu.md): the update, the renormalization
// schedule and the stopping rule of the CPU's small-game path (solvers/small_omwu.cc), one game per 16
// GPU threads, each thread holding one row of its game's payoff matrix in registers for all the game's
// iterations, the duality gap computed on the device after every update. Plain C++ here, so that callers
// compile without nvcc; a build without CUDA has the same functions, which say so (Unavailable).
#ifndef NLHF_SRC_CUDA_BATCH_OMWU_H_
#define NLHF_SRC_CUDA_BATCH_OMWU_H_

#include <cstdint>
#include <string>
#include <vector>

namespace nlhf::cuda {

inline constexpr int kMaxActions = 16;  // one game's rows on one half-warp

// Whether this build has CUDA and a device is visible; otherwise `why` says which is missing.
bool DeviceAvailable(std::string* why);
// "NVIDIA H200 (compute 9.0, 132 SMs), CUDA runtime 13.0", or why there is none.
std::string DescribeDevice();

struct BatchOmwuOptions {
  double step_size = 0.1;            // η of every game, unless `step_sizes` gives one per game
  std::vector<double> step_sizes;    // empty, or one η per game (SolveWith scales OMWU's default per game)
  std::int64_t max_iterations = 20000;
  double gap_tolerance = 1e-9;       // a game stops at its first iterate with gap <= this
};

struct BatchOmwuResult {
  int n = 0;
  std::vector<double> log_policy;         // games × n, the last iterate's log π (log-sum-exp normalized)
  std::vector<double> gaps;               // its duality gap 2·max_i (Aπ)_i, computed on the device
  std::vector<std::int64_t> iterations;   // updates made
  std::vector<char> finite;               // 0 where the weights or the gap stopped being finite
  double kernel_seconds = 0;              // the kernel alone, by CUDA events
};

// `payoff`: games × n × n row-major skew payoffs A = P − ½ (n <= kMaxActions), each game started from
// the uniform policy. Throws Unavailable without a device, InvalidArgument for n out of range, Error for
// a CUDA failure (naming the call).
BatchOmwuResult SolveBatchOmwu(const double* payoff, int games, int n, const BatchOmwuOptions& options);

// The checks SolveBatchOmwu makes first, with or without CUDA: each game's η (options.step_sizes, or
// options.step_size for all), or InvalidArgument naming the rule broken.
std::vector<double> CheckedStepSizes(int games, int n, const BatchOmwuOptions& options);

}  // namespace nlhf::cuda

#endif  // NLHF_SRC_CUDA_BATCH_OMWU_H_
