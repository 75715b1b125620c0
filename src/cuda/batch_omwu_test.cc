// The CUDA batch (cuda/batch_omwu.h) against the CPU's small-game OMWU (solvers/small_omwu.h): the same
// iterates to 1e-12 after hundreds of updates, and every game's gap, recomputed on the CPU from the policy
// the device returns, within the tolerance it claims. Skipped, saying why, without CUDA or a device; the
// argument checks run everywhere.
#include "cuda/batch_omwu.h"
#include "cuda/random_skew_games.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "nlhf/error.h"
#include "solvers/small_omwu.h"

namespace nlhf::cuda {
namespace {

Eigen::MatrixXd Game(const std::vector<double>& a, int g, int n) {
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      a.data() + static_cast<std::size_t>(g) * n * n, n, n);
}

class CudaBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!DeviceAvailable(&why)) GTEST_SKIP() << "no GPU test: " << why;
  }
};

TEST_F(CudaBatch, TakesTheStepsOfTheCpuSmallOmwu) {
  for (const int n : {2, 3, 7, 10, 16}) {
    const int games = 64;
    const std::vector<double> a = RandomSkewGames(games, n, 100 + n);
    const BatchOmwuResult device = SolveBatchOmwu(a.data(), games, n, {.step_size = 0.2, .max_iterations = 400, .gap_tolerance = 0});
    for (int g = 0; g < games; ++g) {
      internal::SmallOmwu cpu(Game(a, g, n), 0.2, Eigen::VectorXd::Constant(n, -std::log(n)), /*portable=*/true);
      const std::int64_t steps = cpu.StepWhileAbove(400, 0);
      ASSERT_EQ(device.iterations[g], steps) << "n = " << n << ", game " << g;
      const Eigen::VectorXd log_policy = cpu.log_policy();
      for (int i = 0; i < n; ++i) {
        EXPECT_NEAR(device.log_policy[static_cast<std::size_t>(g) * n + i], log_policy[i], 1e-12)
            << "n = " << n << ", game " << g << ", response " << i;
      }
      EXPECT_NEAR(device.gaps[g], cpu.gap(), 1e-12) << "n = " << n << ", game " << g;
    }
  }
}

TEST_F(CudaBatch, EveryGapRecomputedOnTheCpuHoldsTheTolerance) {
  const int games = 20000, n = 10;
  const double tolerance = 1e-10;
  const std::vector<double> a = RandomSkewGames(games, n, 7);
  const BatchOmwuResult device = SolveBatchOmwu(a.data(), games, n, {.step_size = 0.5, .max_iterations = 100000, .gap_tolerance = tolerance});
  int certified = 0;
  for (int g = 0; g < games; ++g) {
    ASSERT_TRUE(device.finite[g]) << g;
    Eigen::VectorXd policy(n);
    for (int i = 0; i < n; ++i) policy[i] = std::exp(device.log_policy[static_cast<std::size_t>(g) * n + i]);
    ASSERT_NEAR(policy.sum(), 1.0, 1e-12) << g;
    const double gap = 2 * (Game(a, g, n) * policy).maxCoeff();
    EXPECT_NEAR(gap, device.gaps[g], 1e-13) << g;
    if (device.gaps[g] <= tolerance) {
      ++certified;
      EXPECT_LE(gap, tolerance * (1 + 1e-6) + 1e-15) << g;
    }
  }
  EXPECT_GE(certified, games * 99 / 100);
}

// Everywhere, GPU or not: what the batch refuses.
TEST(CudaBatchArguments, RefusesGamesItCannotHold) {
  const std::vector<double> a(17 * 17, 0.0);
  EXPECT_THROW(SolveBatchOmwu(a.data(), 1, 17, {}), InvalidArgument);
  EXPECT_THROW(SolveBatchOmwu(a.data(), 1, 0, {}), InvalidArgument);
  std::string why;
  if (!DeviceAvailable(&why)) {
    EXPECT_FALSE(why.empty());
    try {
      SolveBatchOmwu(a.data(), 1, 3, {});
      ADD_FAILURE() << "solved without a device";
    } catch (const Unavailable& error) {
      EXPECT_NE(std::string(error.what()).find("--device cuda"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace nlhf::cuda
