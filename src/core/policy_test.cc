#include "nlhf/policy.h"

#include <cmath>
#include <limits>

#include "testing.h"

namespace nlhf {
namespace {

TEST(LogSumExp, IsExactForHugeNegativeEntries) {
  const Eigen::Vector3d v(-5000, -5000 + std::log(2.0), -7000);
  EXPECT_NEAR(LogSumExp(v), -5000 + std::log(3.0), 1e-12);
}

TEST(LogSumExp, HandlesAllMinusInfinityAndEmpty) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(LogSumExp(Eigen::Vector2d(-inf, -inf)), -inf);
  EXPECT_EQ(LogSumExp(Eigen::VectorXd(0)), -inf);
}

TEST(NormalizeLogPolicy, KeepsAnActionAtMinus5000RepresentableAndSumsToOne) {
  Eigen::VectorXd v = Eigen::Vector3d(0.0, 0.0, -5000.0);
  NormalizeLogPolicy(v);
  EXPECT_NEAR(v[0], -std::log(2.0), 1e-15);
  EXPECT_NEAR(v[2], -5000 - std::log(2.0), 1e-12);  // stored, although exp() underflows to 0
  EXPECT_NEAR(ToProbabilities(v).sum(), 1.0, 1e-15);
}

TEST(RandomLogPolicy, IsReproducibleForASeedAndDiffersAcrossSeeds) {
  const Eigen::VectorXd a = RandomLogPolicy(7, 42);
  EXPECT_EQ(a, RandomLogPolicy(7, 42));
  EXPECT_NE(a, RandomLogPolicy(7, 43));
  EXPECT_NEAR(ToProbabilities(a).sum(), 1.0, 1e-14);
}

TEST(Support, CountsActionsStrictlyAboveTheThreshold) {
  EXPECT_EQ(Support(Eigen::Vector4d(0.5, 1e-7, 0.4999999, 0), 1e-6), (std::vector<int>{0, 2}));
}

TEST(Rng, UniformIsInUnitIntervalWithMeanOneHalfAndNormalHasUnitVariance) {
  Rng rng(7);
  double sum = 0, sum_squares = 0;
  const int draws = 100000;
  for (int i = 0; i < draws; ++i) {
    const double u = rng.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    const double z = rng.Normal();
    sum_squares += z * z;
  }
  EXPECT_NEAR(sum / draws, 0.5, 0.01);
  EXPECT_NEAR(sum_squares / draws, 1.0, 0.02);
}

}  // namespace
}  // namespace nlhf
