#include "nlhf/polish.h"

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/random.h"
#include "nlhf/solvers/exact_lp.h"
#include "nlhf/solvers/omwu.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

TEST(Polish, RejectsTheUniformGuessOnARandomGame) {
  // With every action in the candidate support the equalizer system has negative entries or a large
  // gap: the certificate check must refuse it.
  const ZeroSumGame game = SelfPlay(RandomPreferences(10, 3));
  std::set<std::vector<std::vector<int>>> tried;
  EXPECT_FALSE(PolishOnSupport(game, {Eigen::VectorXd::Constant(10, 0.1)}, 1e-9, 500, tried).has_value());
  EXPECT_FALSE(tried.empty());
}

TEST(Polish, AcceptsTheSettledSupportAndMatchesTheLp) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const ZeroSumGame game = SelfPlay(RandomPreferences(100, seed));
    SolveOptions options = PlainOptions(1000000);
    options.polish = true;
    OmwuMethod method({.step_size = 2.0});
    const SolveResult result = Solve(game, method, options, "omwu");
    ASSERT_TRUE(result.converged()) << result.BriefReport();
    EXPECT_TRUE(result.polished);
    EXPECT_LE(result.duality_gap, 1e-9);
    const SolveResult lp = SolveExactLp(game, PlainOptions(0));
    EXPECT_EQ(result.support[0], lp.support[0]) << "seed " << seed;
    EXPECT_LT((result.policy[0] - lp.policy[0]).lpNorm<1>(), 1e-9);
  }
}

TEST(Polish, WorksForTwoPlayerGames) {
  const ZeroSumGame game = ZeroSumGame::FromPayoff(Hard2x2Payoff(0.01));
  const double delta = 0.01;
  std::set<std::vector<std::vector<int>>> tried;
  const auto polished =
      PolishOnSupport(game, {Eigen::Vector2d(0.9, 0.1), Eigen::Vector2d(0.4, 0.6)}, 1e-12, 500, tried);
  ASSERT_TRUE(polished.has_value());
  EXPECT_LT((polished->probabilities[0] - Eigen::Vector2d(1, delta) / (1 + delta)).norm(), 1e-14);
}

// Random game seed 180 (n = 10): action 0 is unplayed at the NE but its margin is ~1e-6, so OMWU keeps it at
// probability ~0.025 for a long time. The equalizer on the candidate including it fails; the exact
// equilibrium of the game restricted to the candidate certifies.
TEST(Polish, RestrictedLpFinishesWhenTheCandidateHoldsASlowUnplayedAction) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(10, 180));
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  ASSERT_EQ(lp.support[0], (std::vector<int>{1, 4, 7, 8, 9}));
  Eigen::VectorXd guess = 0.95 * lp.policy[0];
  guess[0] += 0.05;
  std::set<std::vector<std::vector<int>>> tried;
  const auto polished = PolishOnSupport(game, {guess}, 1e-9, 500, tried);
  ASSERT_TRUE(polished.has_value());
  EXPECT_THAT(polished->how, ::testing::HasSubstr("restricted LP on 6 candidate actions"));
  EXPECT_LT((polished->probabilities[0] - lp.policy[0]).lpNorm<1>(), 1e-9);
}

TEST(Polish, SkipsCandidatesLargerThanTheLimit) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(10, 180));
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  std::set<std::vector<std::vector<int>>> tried;
  EXPECT_FALSE(PolishOnSupport(game, {lp.policy[0]}, 1e-9, 4, tried).has_value());
  EXPECT_TRUE(PolishOnSupport(game, {lp.policy[0]}, 1e-9, 5, tried).has_value());
}

TEST(Polish, NeverTriesTheSameSupportTwice) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(10, 3));
  std::set<std::vector<std::vector<int>>> tried;
  PolishOnSupport(game, {Eigen::VectorXd::Constant(10, 0.1)}, 1e-9, 500, tried);
  const size_t after_first = tried.size();
  PolishOnSupport(game, {Eigen::VectorXd::Constant(10, 0.1)}, 1e-9, 500, tried);
  EXPECT_EQ(tried.size(), after_first);
}

// Rock–paper–scissors (payoffs halved) plus a fourth action that plays like rock but 0.01 worse against everything: the
// equilibrium is uniform on the first three. An iterate near it still gives the fourth a little weight, so
// the first candidate support holds all four actions; the corrected equalizer drops the extra one (no
// exact solution on four actions, and it earns least against the iterate) and certifies on three.
TEST(Polish, CorrectsASupportGuessThatHoldsAnUnplayedAction) {
  Eigen::MatrixXd a = 0.5 * (RockPaperScissors().array() - 0.5);  // ±1/4, room for the shift
  a.conservativeResize(4, 4);
  for (int b = 0; b < 3; ++b) {
    a(3, b) = a(0, b) - 0.01;
    a(b, 3) = -a(3, b);
  }
  a(3, 3) = 0;
  const ZeroSumGame symmetric = SelfPlay((a.array() + 0.5).matrix());
  std::set<std::vector<std::vector<int>>> tried;
  const auto polished =
      PolishOnSupport(symmetric, {Eigen::Vector4d(0.33, 0.33, 0.33, 0.01)}, 1e-12, 500, tried);
  ASSERT_TRUE(polished.has_value());
  EXPECT_THAT(polished->how, ::testing::HasSubstr("equalizer on 4 actions"));  // the first candidate, corrected
  EXPECT_EQ(polished->support[0], (std::vector<int>{0, 1, 2}));
  EXPECT_LT((polished->probabilities[0] - Eigen::Vector4d(1, 1, 1, 0) / 3).lpNorm<Eigen::Infinity>(), 1e-12);
}

// Crossover on a two-player game from an iterate that mixes the LP's strategies with 5% of uniform noise
// (every action has weight, so no threshold finds the support): the active-set guess and CLP's warm-started
// simplex reach the LP's value for both players, certified in the full game. With no pivot allowed and an
// iterate whose guess is wrong, it reports failure instead of an answer.
TEST(Polish, CrossoverFinishesATwoPlayerGameFromANoisyIterate) {
  Rng rng(5);
  Eigen::MatrixXd payoff(40, 60);
  for (Eigen::Index i = 0; i < payoff.size(); ++i) payoff(i) = rng.Uniform(-1, 1);
  const ZeroSumGame game = ZeroSumGame::FromPayoff(payoff);
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  ASSERT_TRUE(lp.converged());
  const PlayerVectors noisy{0.95 * lp.policy[0] + Eigen::VectorXd::Constant(40, 0.05 / 40),
                            0.95 * lp.policy[1] + Eigen::VectorXd::Constant(60, 0.05 / 60)};
  ASSERT_GT(DualityGap(game, noisy), 1e-3);
  const auto crossed = CrossoverOnIterate(game, noisy, 1e-9, 1000);
  ASSERT_TRUE(crossed.has_value());
  EXPECT_LE(crossed->duality_gap, 1e-9);
  EXPECT_NEAR(DualityGap(game, crossed->probabilities), crossed->duality_gap, 1e-15);
  const double value = lp.policy[0].dot(payoff * lp.policy[1]);
  EXPECT_NEAR(crossed->probabilities[0].dot(payoff * crossed->probabilities[1]), value, 1e-9);

  const PlayerVectors uniform{Eigen::VectorXd::Constant(40, 1.0 / 40), Eigen::VectorXd::Constant(60, 1.0 / 60)};
  int pivots = -1;
  EXPECT_FALSE(CrossoverOnIterate(game, uniform, 1e-9, 0, &pivots).has_value());
  EXPECT_EQ(pivots, 0);
}

}  // namespace
}  // namespace nlhf
