// nlhf_gpu_bench: the CUDA batch OMWU (cuda/batch_omwu.h) timed on a seeded batch of random games, for
// scripts/gpu-check.sh and docs/benchmarks.md: the kernel's time per iteration at a fixed number of
// iterations (every game running all of them), then the whole batch to a gap tolerance, every gap
// recomputed on the CPU from the returned policy. One JSON line per measurement.
//   nlhf_gpu_bench [games=100000] [n=10] [iterations=1000] [tolerance=1e-10]
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "cuda/batch_omwu.h"
#include "cuda/random_skew_games.h"
#include "nlhf/error.h"

int main(int argc, char** argv) {
  const int games = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int n = argc > 2 ? std::atoi(argv[2]) : 10;
  const long long iterations = argc > 3 ? std::atoll(argv[3]) : 1000;
  const double tolerance = argc > 4 ? std::atof(argv[4]) : 1e-10;
  try {
    std::cerr << nlhf::cuda::DescribeDevice() << "\n";
    const std::vector<double> a = nlhf::cuda::RandomSkewGames(games, n, 1);
    nlhf::cuda::SolveBatchOmwu(a.data(), std::min(games, 1024), n, {.step_size = 0.5, .max_iterations = 10, .gap_tolerance = 0});
    const auto fixed = nlhf::cuda::SolveBatchOmwu(a.data(), games, n,
                                                  {.step_size = 0.5, .max_iterations = iterations, .gap_tolerance = 0});
    std::cout << fmt::format("{{\"measure\":\"fixed_iterations\",\"games\":{},\"n\":{},\"iterations\":{},\"kernel_seconds\":{:.6g},"
                             "\"microseconds_per_iteration\":{:.6g}}}\n",
                             games, n, iterations, fixed.kernel_seconds, 1e6 * fixed.kernel_seconds / iterations);
    const auto solved = nlhf::cuda::SolveBatchOmwu(a.data(), games, n,
                                                   {.step_size = 0.5, .max_iterations = 1000000, .gap_tolerance = tolerance});
    long long certified = 0, most = 0;
    double worst = 0;
    for (int g = 0; g < games; ++g) {
      const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> game(
          a.data() + static_cast<std::size_t>(g) * n * n, n, n);
      Eigen::VectorXd policy(n);
      for (int i = 0; i < n; ++i) policy[i] = std::exp(solved.log_policy[static_cast<std::size_t>(g) * n + i]);
      const double gap = 2 * (game * policy).maxCoeff();  // the certificate, on the CPU
      worst = std::max(worst, gap);
      certified += gap <= tolerance ? 1 : 0;
      most = std::max<long long>(most, solved.iterations[g]);
    }
    std::cout << fmt::format("{{\"measure\":\"to_tolerance\",\"games\":{},\"n\":{},\"tolerance\":{:g},\"kernel_seconds\":{:.6g},"
                             "\"certified_on_cpu\":{},\"largest_gap\":{:.3g},\"most_iterations\":{}}}\n",
                             games, n, tolerance, solved.kernel_seconds, certified, worst, most);
  } catch (const nlhf::Error& error) {
    std::cerr << "nlhf_gpu_bench: " << error.what() << "\n";
    return 2;
  }
  return 0;
}
