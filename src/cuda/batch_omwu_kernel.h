// The batch OMWU kernel's launch (batch_omwu_kernel.cu, compiled by nvcc), apart from the host code
// (batch_omwu.cc, compiled as C++ against the CUDA runtime), so that only the kernel meets nvcc.
#ifndef NLHF_SRC_CUDA_BATCH_OMWU_KERNEL_H_
#define NLHF_SRC_CUDA_BATCH_OMWU_KERNEL_H_

#include <cuda_runtime.h>

#include "cuda/batch_omwu.h"

namespace nlhf::cuda::internal {

// One game per 16 threads over device arrays (cuda/batch_omwu.h: payoff games × n × n row-major; out:
// step_sizes one η per game; out: log_policy games × n, gaps, iterations, finite per game); the launch's
// error, if any.
cudaError_t LaunchBatchOmwu(const double* payoff, int games, int n, const double* step_sizes, long long max_iterations,
                            double tolerance, double* log_policy, double* gaps, long long* iterations, char* finite);

}  // namespace nlhf::cuda::internal

#endif  // NLHF_SRC_CUDA_BATCH_OMWU_KERNEL_H_
