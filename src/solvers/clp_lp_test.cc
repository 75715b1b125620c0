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

// A time limit holds inside the LP solvers too (GLPK's simplex once ran for more than ten minutes on a
// degenerate game): a 400 × 400 random game with 1 ms stops with kTimeLimit and says so, and without a
// limit the dual simplex solves and certifies the same game (in about a second).
TEST_P(ClpMethods, TimeLimitStopsTheLpAndIsReported) {
  Rng rng(5);
  Eigen::MatrixXd payoff(400, 400);
  for (Eigen::Index i = 0; i < payoff.rows(); ++i) {
    for (Eigen::Index j = 0; j < payoff.cols(); ++j) payoff(i, j) = 2 * rng.Uniform() - 1;
  }
  const ZeroSumGame game = ZeroSumGame::FromPayoff(payoff);
  SolveOptions limited = PlainOptions(0);
  limited.max_time_in_seconds = 1e-3;
  for (const SolveResult& result : {SolveClpLp(game, GetParam(), limited), SolveExactLp(game, limited)}) {
    EXPECT_EQ(result.termination, Termination::kTimeLimit) << result.BriefReport();
    EXPECT_THAT(result.message, ::testing::HasSubstr("reached the time limit"));
    EXPECT_FALSE(result.converged());
  }
  if (GetParam() == ClpMethod::kDualSimplex) EXPECT_TRUE(SolveClpLp(game, GetParam(), PlainOptions(0)).converged());
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

// Flags for the actions of `support`, out of `size`.
std::vector<char> Played(const std::vector<int>& support, int size) {
  std::vector<char> played(size, 0);
  for (int a : support) played[a] = 1;
  return played;
}

// Crossover from the exact supports costs no pivot; from supports a few actions off it pivots to the same
// optimum as GLPK (an independent solver; the equilibrium of a random preference game is unique); with
// no pivots allowed, the wrong guess is reported as a failure, never returned as an answer.
TEST(ClpCrossover, WarmStartedSimplexReachesTheLpOptimum) {
  const int n = 120;
  const ZeroSumGame game = SelfPlay(RandomPreferences(n, 6));
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  ASSERT_TRUE(lp.converged());
  const std::vector<char> exact = Played(lp.support[0], n);
  int pivots = -1;
  const auto from_exact = CrossoverMaximinClp(game.payoff(), exact, exact, 1000, &pivots);
  ASSERT_TRUE(from_exact.has_value());
  EXPECT_EQ(pivots, 0);
  EXPECT_LT((*from_exact - lp.policy[0]).lpNorm<1>(), 1e-9);

  std::vector<char> off = exact;
  int changed = 0;
  for (int a = 0; a < n && changed < 6; a += 7, ++changed) off[a] = !off[a];
  const auto from_off = CrossoverMaximinClp(game.payoff(), off, off, 1000, &pivots);
  ASSERT_TRUE(from_off.has_value());
  EXPECT_GT(pivots, 0);
  EXPECT_LT((*from_off - lp.policy[0]).lpNorm<1>(), 1e-9);
  EXPECT_LE(DualityGap(game, {*from_off}), 1e-12);

  EXPECT_FALSE(CrossoverMaximinClp(game.payoff(), off, off, 0, &pivots).has_value());
}

// A rectangular payoff game, whose two supports the guess may size differently (CLP repairs the basis):
// the row player's crossover strategy guarantees the LP's value.
TEST(ClpCrossover, RectangularGamesWithUnequalGuesses) {
  Rng rng(3);
  Eigen::MatrixXd payoff(30, 45);
  for (Eigen::Index i = 0; i < payoff.size(); ++i) payoff(i) = 2 * rng.Uniform() - 1;
  const Eigen::VectorXd glpk = SolveMaximinLp(payoff);
  std::vector<char> rows(30, 0), columns(45, 0);
  for (int i = 0; i < 30; i += 2) rows[i] = 1;     // 15 rows
  for (int j = 0; j < 45; j += 4) columns[j] = 1;  // 12 columns
  const auto crossover = CrossoverMaximinClp(payoff, rows, columns, 1000);
  ASSERT_TRUE(crossover.has_value());
  EXPECT_NEAR((payoff.transpose() * *crossover).minCoeff(), (payoff.transpose() * glpk).minCoeff(), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(DualSimplexAndBarrier, ClpMethods,
                         ::testing::Values(ClpMethod::kDualSimplex, ClpMethod::kBarrier),
                         [](const auto& info) { return info.param == ClpMethod::kBarrier ? "barrier" : "dual_simplex"; });

}  // namespace
}  // namespace nlhf
