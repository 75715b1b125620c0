#include "nlhf/solvers/clp_lp.h"

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/random.h"
#include "nlhf/solvers/exact_lp.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

class ClpMethods : public ::testing::TestWithParam<ClpMethod> {};

TEST_P(ClpMethods, SoccerEquilibriumIsSupportedOnAgents1_8_9) {
  const SolveResult result = SolveClpLp(testing::SoccerGame(), GetParam(), PlainOptions(0));
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_EQ(result.support[0], (std::vector<int>{1, 8, 9}));
  EXPECT_LE(result.duality_gap, 1e-12);
}

// General m × n payoff games: CLP's maximin value for each player equals GLPK's, an independent solver,
// and the pair is certified by its duality gap.
TEST_P(ClpMethods, AgreesWithGlpkOnRandomPayoffGames) {
  Rng rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    const int m = 2 + trial % 7, n = 2 + (3 * trial) % 9;
    Eigen::MatrixXd payoff(m, n);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) payoff(i, j) = 2 * rng.Uniform() - 1;
    }
    const Eigen::VectorXd clp = SolveMaximinClp(payoff, GetParam());
    const Eigen::VectorXd glpk = SolveMaximinLp(payoff);
    EXPECT_NEAR((payoff.transpose() * clp).minCoeff(), (payoff.transpose() * glpk).minCoeff(), 1e-9)
        << m << "×" << n << " trial " << trial;
    const SolveResult result = SolveClpLp(ZeroSumGame::FromPayoff(payoff), GetParam(), PlainOptions(0));
    EXPECT_TRUE(result.converged()) << result.BriefReport();
  }
}

TEST_P(ClpMethods, RandomPreferenceGamesAreCertified) {
  const SolveResult result = SolveClpLp(SelfPlay(RandomPreferences(150, 4)), GetParam(), PlainOptions(0));
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_LE(result.duality_gap, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(DualSimplexAndBarrier, ClpMethods,
                         ::testing::Values(ClpMethod::kDualSimplex, ClpMethod::kBarrier),
                         [](const auto& info) { return info.param == ClpMethod::kBarrier ? "barrier" : "dual_simplex"; });

}  // namespace
}  // namespace nlhf
