#include "nlhf/generators.h"

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "testing.h"

namespace nlhf {
namespace {

void ExpectValidPreferences(const Eigen::MatrixXd& p) {
  EXPECT_NO_THROW((PreferenceGame{p, {}, {.symmetry_tolerance = 1e-15}}));
}

TEST(Generators, RandomIsAValidPreferenceMatrixReproducibleBySeed) {
  const Eigen::MatrixXd p = RandomPreferences(12, 5);
  ExpectValidPreferences(p);
  EXPECT_EQ(p, RandomPreferences(12, 5));
  EXPECT_NE(p, RandomPreferences(12, 6));
  // Upper-triangle entries are spread over (0, 1), not constant.
  EXPECT_GT(p.maxCoeff(), 0.9);
  EXPECT_LT(p.minCoeff(), 0.1);
}

TEST(Generators, PlantedHasThePlantedFullSupportEquilibrium) {
  // (n = 2 is excluded: the only 2×2 preference matrix with an interior NE is all ties.)
  for (int n : {3, 5, 10, 11, 40}) {
    Eigen::VectorXd nash;
    const Eigen::MatrixXd p = PlantedPreferences(n, 3, &nash);
    ExpectValidPreferences(p);
    ASSERT_EQ(nash.size(), n);
    EXPECT_NEAR(nash.sum(), 1.0, 1e-14);
    EXPECT_GT(nash.minCoeff(), 0.0);
    EXPECT_NEAR((p.array() - 0.5).abs().maxCoeff(), 0.5, 1e-14) << "scaled to max |A| = 1/2";
    EXPECT_LT(DualityGap(PreferenceGame(p), nash), 1e-14) << "n = " << n;
  }
}

TEST(Generators, TransitiveEquilibriumIsTheStrongestResponse) {
  Eigen::VectorXd scores;
  const Eigen::MatrixXd p = TransitivePreferences(8, 2, &scores);
  ExpectValidPreferences(p);
  Eigen::Index best = 0;
  scores.maxCoeff(&best);
  EXPECT_NEAR(DualityGap(PreferenceGame(p), Eigen::VectorXd::Unit(8, best)), 0.0, 1e-15);
  // P[a][b] = σ(s_a − s_b).
  EXPECT_NEAR(p(0, 1), 1 / (1 + std::exp(scores[1] - scores[0])), 1e-15);
}

TEST(Generators, Cyclic3MatchesTheBriefsProbabilities) {
  const Eigen::MatrixXd p = Cyclic3();
  ExpectValidPreferences(p);
  EXPECT_DOUBLE_EQ(p(1, 0), 0.9);  // b ≻ a
  EXPECT_DOUBLE_EQ(p(2, 1), 0.9);  // c ≻ b
  EXPECT_DOUBLE_EQ(p(0, 2), 0.8);  // a ≻ c
}

TEST(Generators, Hard2x2HasTheClosedFormEquilibrium) {
  const double delta = 0.05;
  const ZeroSumGame game = ZeroSumGame::FromPayoff(Hard2x2Payoff(delta));
  const Eigen::Vector2d x = Eigen::Vector2d(1, delta) / (1 + delta);
  const Eigen::Vector2d y = Eigen::Vector2d(1, 1 + 2 * delta) / (2 + 2 * delta);
  EXPECT_NEAR(DualityGap(game, {x, y}), 0.0, 1e-15);
}

TEST(Generate, DispatchesByKindAndRejectsBadOptions) {
  EXPECT_TRUE(Generate({.kind = "planted", .n = 6}).nash_equilibrium.has_value());
  EXPECT_TRUE(Generate({.kind = "hard2x2"}).is_payoff);
  EXPECT_EQ(Generate({.kind = "rps"}).names[1], "paper");
  EXPECT_THROW_WITH(Generate({.kind = "nope"}), InvalidArgument, "unknown generator 'nope'", "planted");
  EXPECT_THROW_WITH(Generate({.kind = "random", .n = 0}), InvalidArgument, "n = 0", "1 <= n <= 20000");
  EXPECT_THROW_WITH(Generate({.kind = "planted", .n = 100000}), InvalidArgument, "80 GB", "nlhf bench");
  EXPECT_THROW_WITH(Generate({.kind = "hard2x2", .delta = 0.7}), InvalidArgument, "0 < delta < 0.5");
}

}  // namespace
}  // namespace nlhf
