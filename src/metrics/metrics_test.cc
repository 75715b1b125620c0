#include "nlhf/metrics.h"

#include "nlhf/generators.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(DualityGap, IsZeroAtTheUniformPolicyOfRockPaperScissors) {
  const PreferenceGame rps(RockPaperScissors());
  EXPECT_NEAR(DualityGap(rps, Eigen::Vector3d::Constant(1.0 / 3)), 0.0, 1e-15);
}

TEST(DualityGap, OfAPureStrategyIsTwiceTheBestWinProbabilityMinusOne) {
  // Against pure rock, paper wins with probability 1: gap = 2·1 − 1 = 1.
  const PreferenceGame rps(RockPaperScissors());
  EXPECT_DOUBLE_EQ(DualityGap(rps, Eigen::Vector3d(1, 0, 0)), 1.0);
  // Against (0.5, 0.5, 0): scissors win 0.5·1 + 0.5·0 = 0.5, paper 0.5·1 + 0.5·0.5 = 0.75 → 0.5.
  EXPECT_DOUBLE_EQ(DualityGap(rps, Eigen::Vector3d(0.5, 0.5, 0)), 0.5);
}

TEST(DualityGap, TwoPlayerIsBestRowPayoffMinusWorstColumnPayoff) {
  Eigen::MatrixXd a(2, 2);
  a << 3, 0, 1, 2;
  const ZeroSumGame game = ZeroSumGame::FromPayoff(a);
  // x = (1, 0), y = (1, 0): max_a (Ay)_a = 3, min_b (xᵀA)_b = 0.
  EXPECT_DOUBLE_EQ(DualityGap(game, {Eigen::Vector2d(1, 0), Eigen::Vector2d(1, 0)}), 3.0);
  // The NE x = (1/4, 3/4), y = (1/2, 1/2), value 3/2, has gap 0.
  EXPECT_NEAR(DualityGap(game, {Eigen::Vector2d(0.25, 0.75), Eigen::Vector2d(0.5, 0.5)}), 0.0, 1e-15);
}

TEST(DualityGap, IsNaNWhenThePolicyIsNaN) {
  const PreferenceGame rps(RockPaperScissors());
  EXPECT_TRUE(std::isnan(DualityGap(rps, Eigen::Vector3d(std::nan(""), 0, 1))));
}

}  // namespace
}  // namespace nlhf
