#include "nlhf/solvers/exact_lp.h"

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

TEST(ExactLp, RockPaperScissorsIsUniform) {
  const SolveResult result = SolveExactLp(SelfPlay(RockPaperScissors()), PlainOptions(0));
  ASSERT_TRUE(result.converged());
  EXPECT_LT((result.policy[0] - Eigen::Vector3d::Constant(1.0 / 3)).lpNorm<1>(), 1e-12);
}

TEST(ExactLp, Cyclic3IsTheClosedFormKernelVector) {
  const SolveResult result = SolveExactLp(SelfPlay(Cyclic3()), PlainOptions(0));
  EXPECT_LT((result.policy[0] - Eigen::Vector3d(4, 3, 4) / 11).lpNorm<1>(), 1e-12);
}

TEST(ExactLp, SoccerEquilibriumIsSupportedOnAgents1_8_9) {
  const SolveResult result = SolveExactLp(testing::SoccerGame(), PlainOptions(0));
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_EQ(result.support[0], (std::vector<int>{1, 8, 9}));
  EXPECT_NEAR(result.policy[0][1], 0.522, 5e-4);
  EXPECT_NEAR(result.policy[0][8], 0.331, 5e-4);
  EXPECT_NEAR(result.policy[0][9], 0.147, 5e-4);
  EXPECT_LE(result.duality_gap, 1e-12);
}

TEST(ExactLp, RandomGamesAreSolvedToMachinePrecision) {
  for (int n : {10, 100}) {
    const SolveResult result = SolveExactLp(SelfPlay(RandomPreferences(n, 9)), PlainOptions(0));
    ASSERT_TRUE(result.converged()) << result.BriefReport();
    EXPECT_LE(result.duality_gap, 1e-12) << "n = " << n;
  }
}

TEST(ExactLp, TwoPlayerHard2x2IsTheClosedForm) {
  const double delta = 0.01;
  const SolveResult result = SolveExactLp(ZeroSumGame::FromPayoff(Hard2x2Payoff(delta)), PlainOptions(0));
  ASSERT_EQ(result.policy.size(), 2u);
  EXPECT_LT((result.policy[0] - Eigen::Vector2d(1, delta) / (1 + delta)).lpNorm<1>(), 1e-12);
  EXPECT_LT((result.policy[1] - Eigen::Vector2d(1, 1 + 2 * delta) / (2 + 2 * delta)).lpNorm<1>(), 1e-12);
}

TEST(ExactLp, DominatedRowAndColumnGetZeroProbability) {
  // Row 2 is dominated by row 0; column 2 by column 1 (the column player minimizes).
  Eigen::MatrixXd a(3, 3);
  a << 2, -1, 5, -1, 1, 6, 1, -2, 4;
  const SolveResult result = SolveExactLp(ZeroSumGame::FromPayoff(a), PlainOptions(0));
  EXPECT_EQ(result.policy[0][2], 0.0);
  EXPECT_EQ(result.policy[1][2], 0.0);
  EXPECT_LE(result.duality_gap, 1e-12);
}

}  // namespace
}  // namespace nlhf
