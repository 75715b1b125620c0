#include "nlhf/solvers/pdhg.h"

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/random.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/exact_lp.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

// PDHG's own iterations, without polishing, reach the LP's equilibrium on random preference games (whose
// equilibrium is unique), in every storage the operator offers.
TEST(Pdhg, ReachesTheLpEquilibriumWithoutPolishing) {
  for (int n : {5, 20, 60}) {
    for (std::uint64_t seed : {1, 2}) {
      const ZeroSumGame game = SelfPlay(RandomPreferences(n, seed));
      const SolveResult lp = SolveExactLp(game, PlainOptions(0));
      for (Layout layout : {Layout::kDense, Layout::kPacked}) {
        SolveOptions options = PlainOptions(200000, 1e-10);
        options.layout = layout;
        const SolveResult result = SolvePdhg(game, {}, options);
        ASSERT_TRUE(result.converged()) << "n = " << n << ": " << result.BriefReport();
        EXPECT_FALSE(result.polished);
        EXPECT_LE(result.duality_gap, 1e-10);
        EXPECT_NEAR(result.duality_gap, DualityGap(game, result.policy), 1e-15);
        EXPECT_LT((result.policy[0] - lp.policy[0]).lpNorm<1>(), 1e-5) << "n = " << n << ", seed " << seed;
      }
    }
  }
}

// A general m × n payoff game (m ≠ n): both players' policies, and the value the LP gives.
TEST(Pdhg, SolvesRectangularPayoffGames) {
  Rng rng(7);
  Eigen::MatrixXd a(7, 12);
  for (Eigen::Index i = 0; i < a.size(); ++i) a(i) = rng.Uniform(-1, 1);
  const ZeroSumGame game = ZeroSumGame::FromPayoff(a);
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  const SolveResult result = SolvePdhg(game, {}, PlainOptions(500000, 1e-10));
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  ASSERT_EQ(result.policy.size(), 2u);
  const double value = result.policy[0].dot(a * result.policy[1]);
  EXPECT_NEAR(value, lp.policy[0].dot(a * lp.policy[1]), 1e-9);
  EXPECT_LE(DualityGap(game, result.policy), 1e-10);
}

// Closed forms: cyclic3's (4, 3, 4)/11 and rock–paper–scissors' uniform policy.
TEST(Pdhg, FindsTheKnownEquilibria) {
  const SolveResult cyclic = SolvePdhg(SelfPlay(Cyclic3()), {}, PlainOptions(100000, 1e-12));
  ASSERT_TRUE(cyclic.converged()) << cyclic.BriefReport();
  EXPECT_LT((cyclic.policy[0] - Eigen::Vector3d(4, 3, 4) / 11).lpNorm<1>(), 1e-10);
  const SolveResult rps = SolvePdhg(SelfPlay(RockPaperScissors()), {}, PlainOptions(100000, 1e-12));
  ASSERT_TRUE(rps.converged()) << rps.BriefReport();
  EXPECT_LT((rps.policy[0] - Eigen::Vector3d::Constant(1.0 / 3)).lpNorm<1>(), 1e-10);
}

// With polishing (as `nlhf solve` runs it) the equalizer on the identified support finishes the solve
// exactly; a budget too small is reported as not converged, with the gap reached.
TEST(Pdhg, PolishedAnswerIsExactAndABudgetTooSmallIsNotCalledConverged) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(200, 3));
  SolveOptions options = PlainOptions(100000, 1e-12);
  options.polish = true;
  const SolveResult polished = SolveWith("pdhg", game, options);
  ASSERT_TRUE(polished.converged()) << polished.BriefReport();
  EXPECT_TRUE(polished.polished);
  EXPECT_LE(DualityGap(game, polished.policy), 1e-12);
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  EXPECT_EQ(polished.support[0], lp.support[0]);

  const SolveResult short_run = SolveWith("pdhg", game, PlainOptions(20, 1e-12));
  EXPECT_EQ(short_run.termination, Termination::kMaxIterations);
  EXPECT_FALSE(short_run.converged());
  EXPECT_GT(short_run.duality_gap, 1e-12);
  EXPECT_NEAR(short_run.duality_gap, DualityGap(game, short_run.policy), 1e-15);
}

// On a game past GLPK's comfort (the default's size for PDHG), polishing crosses over to the
// warm-started simplex long before the support settles: the answer is GLPK's, after far fewer iterations
// than the equalizer alone needs; with crossover off, the same solve still certifies, later.
TEST(Pdhg, CrossoverFinishesEarlyAndExactly) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(300, 0));
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  SolveOptions options = PlainOptions(200000, 1e-9);
  options.polish = true;
  const SolveResult crossed = SolveWith("pdhg", game, options);
  ASSERT_TRUE(crossed.converged()) << crossed.BriefReport();
  EXPECT_TRUE(crossed.polished);
  EXPECT_NE(crossed.message.find("crossover"), std::string::npos) << crossed.message;
  EXPECT_EQ(crossed.support[0], lp.support[0]);
  EXPECT_LT((crossed.policy[0] - lp.policy[0]).lpNorm<1>(), 1e-9);
  EXPECT_LE(DualityGap(game, crossed.policy), 1e-9);

  const SolveResult without = SolveWith("pdhg", game, options, {{"crossover_gap", 0.0}});
  ASSERT_TRUE(without.converged()) << without.BriefReport();
  EXPECT_EQ(without.message.find("crossover"), std::string::npos) << without.message;
  EXPECT_GT(without.iterations, crossed.iterations);
  EXPECT_EQ(without.support[0], lp.support[0]);
}

TEST(Pdhg, SameCommandSameNumbers) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(50, 9));
  const SolveResult first = SolveWith("pdhg", game, PlainOptions(3000, 0));
  const SolveResult second = SolveWith("pdhg", game, PlainOptions(3000, 0));
  EXPECT_EQ(first.policy[0], second.policy[0]);
  EXPECT_EQ(first.duality_gap, second.duality_gap);
}

}  // namespace
}  // namespace nlhf
