#include "nlhf/solvers/interior_point.h"

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/polish.h"
#include "nlhf/random.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/exact_lp.h"
#include "nlhf/solvers/pdhg.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

SolveOptions Polished(double gap_tolerance = 1e-9) {
  SolveOptions options = PlainOptions(1000, gap_tolerance);
  options.polish = true;
  return options;
}

Eigen::MatrixXd UniformPayoffs(int rows, int columns, std::uint64_t seed, double scale = 1) {
  Rng rng(seed);
  Eigen::MatrixXd a(rows, columns);
  for (Eigen::Index i = 0; i < a.size(); ++i) a(i) = scale * rng.Uniform(-1, 1);
  return a;
}

// The iterations alone (no polishing) reach GLPK's equilibrium, which is unique on these games, in the
// few dozen iterations an interior point method takes whatever the size.
TEST(InteriorPoint, ReachesTheLpEquilibriumInFewIterationsWithoutPolishing) {
  for (int n : {5, 20, 60, 150}) {
    for (std::uint64_t seed : {1, 2}) {
      const ZeroSumGame game = SelfPlay(RandomPreferences(n, seed));
      const SolveResult lp = SolveExactLp(game, PlainOptions(0));
      const SolveResult result = SolveInteriorPoint(game, {}, PlainOptions(1000, 1e-10));
      ASSERT_TRUE(result.converged()) << "n = " << n << ": " << result.BriefReport();
      EXPECT_FALSE(result.polished);
      EXPECT_LE(result.iterations, 40) << "n = " << n;
      EXPECT_NEAR(result.duality_gap, DualityGap(game, result.policy), 1e-15);
      EXPECT_LT((result.policy[0] - lp.policy[0]).lpNorm<1>(), 1e-6) << "n = " << n << ", seed " << seed;
    }
  }
}

// General m × n payoff games, both orientations (more rows than columns is solved as the transpose),
// degenerate shapes and payoffs in large units: both policies and GLPK's value.
TEST(InteriorPoint, SolvesRectangularPayoffGamesInAnyUnits) {
  const std::pair<int, int> shapes[] = {{7, 12}, {12, 7}, {1, 5}, {5, 1}, {40, 90}, {90, 40}};
  for (const auto& [rows, columns] : shapes) {
    for (double scale : {1.0, 1e6}) {
      const Eigen::MatrixXd a = UniformPayoffs(rows, columns, rows * 100 + columns, scale);
      const ZeroSumGame game = ZeroSumGame::FromPayoff(a);
      const SolveResult lp = SolveExactLp(game, PlainOptions(0));
      const SolveResult result = SolveInteriorPoint(game, {}, Polished(1e-9 * scale));
      ASSERT_TRUE(result.converged()) << rows << "×" << columns << ": " << result.BriefReport();
      ASSERT_EQ(result.policy.size(), 2u);
      ASSERT_EQ(result.policy[0].size(), rows);
      ASSERT_EQ(result.policy[1].size(), columns);
      EXPECT_NEAR(result.policy[0].dot(a * result.policy[1]), lp.policy[0].dot(a * lp.policy[1]), 1e-9 * scale)
          << rows << "×" << columns;
      EXPECT_LE(DualityGap(game, result.policy), 1e-9 * scale);
    }
  }
}

// Closed forms: cyclic3's (4, 3, 4)/11, rock–paper–scissors' uniform policy, a transitive game's
// strongest response (a pure equilibrium: the interior point's other weights fall to O(μ), and the
// equalizer on one action is exact).
TEST(InteriorPoint, FindsTheKnownEquilibria) {
  const SolveResult cyclic = SolveInteriorPoint(SelfPlay(Cyclic3()), {}, Polished(1e-12));
  ASSERT_TRUE(cyclic.converged()) << cyclic.BriefReport();
  EXPECT_LT((cyclic.policy[0] - Eigen::Vector3d(4, 3, 4) / 11).lpNorm<1>(), 1e-12);
  const SolveResult rps = SolveInteriorPoint(SelfPlay(RockPaperScissors()), {}, Polished(1e-12));
  ASSERT_TRUE(rps.converged()) << rps.BriefReport();
  EXPECT_LT((rps.policy[0] - Eigen::Vector3d::Constant(1.0 / 3)).lpNorm<1>(), 1e-12);

  Eigen::VectorXd scores;
  const ZeroSumGame transitive = SelfPlay(TransitivePreferences(50, 4, &scores));
  const SolveResult pure = SolveInteriorPoint(transitive, {}, Polished(1e-12));
  ASSERT_TRUE(pure.converged()) << pure.BriefReport();
  Eigen::Index strongest = 0;
  scores.maxCoeff(&strongest);
  EXPECT_DOUBLE_EQ(pure.policy[0][strongest], 1.0);
  EXPECT_EQ(pure.support[0], std::vector<int>{static_cast<int>(strongest)});
}

// Polished as `nlhf solve` runs it: exact, with GLPK's support, on random games, and on a planted game
// whose equilibrium plays every action (many of them with small weight).
TEST(InteriorPoint, PolishedAnswerIsExactWithTheLpSupport) {
  for (int n : {120, 300}) {
    const ZeroSumGame game = SelfPlay(RandomPreferences(n, 5));
    const SolveResult lp = SolveExactLp(game, PlainOptions(0));
    const SolveResult result = SolveWith("ipm", game, Polished());
    ASSERT_TRUE(result.converged()) << result.BriefReport();
    EXPECT_TRUE(result.polished) << result.message;
    EXPECT_LE(DualityGap(game, result.policy), 1e-13);
    EXPECT_EQ(result.support[0], lp.support[0]);
  }
  Eigen::VectorXd planted;
  // An odd size: a skew matrix of even order with a null vector has two, and the equilibrium is a segment.
  const ZeroSumGame game = SelfPlay(PlantedPreferences(201, 3, &planted));
  const SolveResult result = SolveWith("ipm", game, Polished(1e-13));
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_LT((result.policy[0] - planted).lpNorm<1>(), 1e-9);
}

// Many equilibria: with actions copied, the interior point heads for the centre of the equilibrium set
// and the equalizer is singular; the answer is still certified (least squares, or the simplex crossover).
TEST(InteriorPoint, CertifiesGamesWithManyEquilibria) {
  // Rock twice: the equilibria put 1/3 on paper and scissors and split 1/3 over the two rocks.
  Eigen::MatrixXd rps = RockPaperScissors();
  Eigen::MatrixXd doubled(4, 4);
  const int from[] = {0, 0, 1, 2};
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) doubled(i, j) = rps(from[i], from[j]);
  }
  const SolveResult result = SolveInteriorPoint(SelfPlay(doubled), {}, Polished(1e-12));
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_NEAR(result.policy[0][0] + result.policy[0][1], 1.0 / 3, 1e-12);
  EXPECT_NEAR(result.policy[0][2], 1.0 / 3, 1e-12);

  // Half of a random game's actions copied.
  const Eigen::MatrixXd base = RandomPreferences(60, 8);
  Eigen::MatrixXd copied(90, 90);
  const auto source = [](int i) { return i < 60 ? i : i - 60; };
  for (int i = 0; i < 90; ++i) {
    for (int j = 0; j < 90; ++j) copied(i, j) = base(source(i), source(j));
  }
  const ZeroSumGame game = SelfPlay(copied);
  const SolveResult many = SolveInteriorPoint(game, {}, Polished());
  ASSERT_TRUE(many.converged()) << many.BriefReport();
  EXPECT_LE(DualityGap(game, many.policy), 1e-9);
}

// Every strategy is an equilibrium of a constant game: the start is one, with gap 0.
TEST(InteriorPoint, ConstantAndOneActionGames) {
  const SolveResult flat = SolveInteriorPoint(SelfPlay(Eigen::MatrixXd::Constant(5, 5, 0.5)), {}, PlainOptions(100, 0));
  ASSERT_TRUE(flat.converged()) << flat.BriefReport();
  EXPECT_EQ(flat.duality_gap, 0);
  const SolveResult single = SolveInteriorPoint(ZeroSumGame::FromPayoff(Eigen::MatrixXd::Constant(1, 1, 3)), {},
                                                PlainOptions(100, 0));
  ASSERT_TRUE(single.converged()) << single.BriefReport();
  EXPECT_EQ(single.policy[0][0], 1.0);
}

// Asked for more than double precision gives (gap 0, no polishing), the method stops on its own, by the
// iteration limit or as stalled, and never calls the answer converged; entries 1/2 ± 1e-12 are certified
// or reported as not, with the printed gap the recomputed one.
TEST(InteriorPoint, NeverClaimsWhatItDidNotReach) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(40, 11));
  const SolveResult result = SolveInteriorPoint(game, {}, PlainOptions(500, 0));
  EXPECT_FALSE(result.converged()) << result.BriefReport();
  EXPECT_NE(result.termination, Termination::kNotRun);
  EXPECT_LT(result.iterations, 500) << "a stalled method should say so, not spin to the limit";
  EXPECT_EQ(result.termination, Termination::kNumericalFailure) << result.message;
  EXPECT_NE(result.message.find("stalled"), std::string::npos) << result.message;
  EXPECT_EQ(result.duality_gap, DualityGap(game, result.policy));
  EXPECT_LT(result.duality_gap, 1e-9);

  Eigen::MatrixXd close = RandomPreferences(30, 12);
  close = ((close.array() - 0.5) * 2e-12 + 0.5).matrix();
  for (int i = 0; i < 30; ++i) close(i, i) = 0.5;
  const ZeroSumGame hard = SelfPlay(close);
  const SolveResult tight = SolveInteriorPoint(hard, {}, Polished(1e-18));
  EXPECT_EQ(tight.duality_gap, DualityGap(hard, tight.policy));
  if (tight.converged()) {
    EXPECT_LE(tight.duality_gap, 1e-18);
  }
}

// Past the simplex crossover's size, polishing solves the game restricted to the iterate's candidates by
// the interior point method and checks it in the full game: here forced on a game of 300 actions by a
// schedule that allows the simplex only up to 50, from a PDHG iterate far from settled.
TEST(InteriorPoint, RestrictedInteriorPointFinishesLargeGames) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(300, 13));
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  const SolveResult rough = SolvePdhg(game, {}, PlainOptions(150, 0));
  ASSERT_GT(rough.duality_gap, 1e-6);
  PolishSchedule schedule{.interval = 1, .crossover_gap = 1.0, .crossover_max_actions = 50};
  Polisher polisher(game, 1e-9, 4096, schedule);
  const auto polished = polisher.TryAt(1, rough.duality_gap, [&] { return rough.policy; });
  ASSERT_TRUE(polished.has_value());
  EXPECT_NE(polished->how.find("interior point on"), std::string::npos) << polished->how;
  EXPECT_LE(polished->duality_gap, 1e-9);
  EXPECT_EQ(polished->support[0], lp.support[0]);

  // A guess that misses a third of the support: the actions that beat the restricted answer join it.
  Eigen::VectorXd partial = lp.policy[0];
  for (size_t k = 0; k < lp.support[0].size(); k += 3) partial[lp.support[0][k]] = 0;
  partial /= partial.sum();
  const auto repaired = RestrictedInteriorPoint(game, {partial}, 1e-9);
  ASSERT_TRUE(repaired.has_value());
  EXPECT_LE(repaired->duality_gap, 1e-9);
  EXPECT_EQ(repaired->support[0], lp.support[0]);
}

TEST(InteriorPoint, SameCommandSameNumbers) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(80, 9));
  const SolveResult first = SolveWith("ipm", game, Polished());
  const SolveResult second = SolveWith("ipm", game, Polished());
  EXPECT_EQ(first.policy[0], second.policy[0]);
  EXPECT_EQ(first.duality_gap, second.duality_gap);
}

}  // namespace
}  // namespace nlhf
