#include "nlhf/game.h"

#include <cmath>
#include <limits>

#include "nlhf/error.h"
#include "testing.h"

namespace nlhf {
namespace {

Eigen::MatrixXd Cyclic() {
  Eigen::MatrixXd p(3, 3);
  p << 0.5, 0.1, 0.8, 0.9, 0.5, 0.1, 0.2, 0.9, 0.5;
  return p;
}

TEST(PreferenceGame, AcceptsAValidMatrixAndNamesResponsesByIndex) {
  const PreferenceGame game(Cyclic());
  EXPECT_EQ(game.num_responses(), 3);
  EXPECT_EQ(game.names(), (std::vector<std::string>{"0", "1", "2"}));
  const Eigen::MatrixXd a = game.Payoff();
  EXPECT_TRUE(a.isApprox(-a.transpose()));
  EXPECT_DOUBLE_EQ(a(0, 2), 0.3);
}

TEST(PreferenceGame, RejectsNonSquareNamingTheShape) {
  EXPECT_THROW_WITH(PreferenceGame(Eigen::MatrixXd::Constant(2, 3, 0.5)), InvalidArgument, "square", "2×3");
}

TEST(PreferenceGame, RejectsNaNNamingTheEntryAndLine) {
  Eigen::MatrixXd p = Cyclic();
  p(1, 2) = std::numeric_limits<double>::quiet_NaN();
  const MatrixSource source{.path = "p.txt", .row_lines = {3, 4, 6}};
  EXPECT_THROW_WITH(PreferenceGame(p, {}, {}, source), InvalidArgument, "p.txt:4: row 2, column 3",
                    "finite");
}

TEST(PreferenceGame, RejectsEntriesOutsideTheUnitInterval) {
  Eigen::MatrixXd p = Cyclic();
  p(0, 1) = 1.5;
  p(1, 0) = -0.5;
  EXPECT_THROW_WITH(PreferenceGame(p), InvalidArgument, "row 1, column 2", "[0, 1]");
}

TEST(PreferenceGame, RejectsPPlusPTransposeNotOneNamingBothEntries) {
  Eigen::MatrixXd p = Cyclic();
  p(0, 1) = 0.2;  // P[0][1] + P[1][0] = 1.1
  EXPECT_THROW_WITH(PreferenceGame(p), InvalidArgument, "P[1][2] + P[2][1]", "1.1", "--symmetrize");
}

TEST(PreferenceGame, SymmetryToleranceIsHonoured) {
  Eigen::MatrixXd p = Cyclic();
  p(0, 1) += 1e-10;
  EXPECT_NO_THROW(PreferenceGame{p});  // within the default 1e-9
  p(0, 1) += 1e-8;
  EXPECT_THROW(PreferenceGame{p}, InvalidArgument);
  EXPECT_NO_THROW((PreferenceGame{p, {}, {.symmetry_tolerance = 1e-6}}));
}

TEST(PreferenceGame, RejectsWrongNumberOfNames) {
  EXPECT_THROW_WITH(PreferenceGame(Cyclic(), {"a", "b"}), InvalidArgument, "2 response names for 3");
}

TEST(Symmetrize, AveragesWithTheComplementOfTheTransposeAndReportsTheMove) {
  Eigen::MatrixXd p(2, 2);
  p << 0.5, 0.7, 0.2, 0.5;  // 0.7 + 0.2 = 0.9
  const double moved = Symmetrize(p);
  EXPECT_NEAR(p(0, 1), 0.75, 1e-15);
  EXPECT_NEAR(p(1, 0), 0.25, 1e-15);
  EXPECT_NEAR(moved, 0.05, 1e-15);
  EXPECT_NO_THROW((PreferenceGame{p, {}, {.symmetry_tolerance = 0}}));
}

TEST(ZeroSumGame, SelfPlayHasOnePlayerAndPayoffAPi) {
  const ZeroSumGame game = ZeroSumGame::FromPreferences(PreferenceGame(Cyclic()));
  ASSERT_EQ(game.num_players(), 1);
  const Eigen::Vector3d pi(0.2, 0.3, 0.5);
  const PlayerVectors g = game.Payoffs({pi});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_NEAR(g[0][0], 0.0 * 0.2 - 0.4 * 0.3 + 0.3 * 0.5, 1e-15);
}

TEST(ZeroSumGame, TwoPlayerPayoffsAreAyAndMinusATransposeX) {
  Eigen::MatrixXd a(2, 3);
  a << 1, 2, 3, 4, 5, 6;
  const ZeroSumGame game = ZeroSumGame::FromPayoff(a);
  ASSERT_EQ(game.num_players(), 2);
  EXPECT_EQ(game.num_actions(0), 2);
  EXPECT_EQ(game.num_actions(1), 3);
  const PlayerVectors g = game.Payoffs({Eigen::Vector2d(0.5, 0.5), Eigen::Vector3d(1, 0, 0)});
  EXPECT_TRUE(g[0].isApprox(Eigen::Vector2d(1, 4)));
  EXPECT_TRUE(g[1].isApprox(Eigen::Vector3d(-2.5, -3.5, -4.5)));
}

TEST(ZeroSumGame, RejectsNonFinitePayoffAndEmptyMatrix) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(2, 2);
  a(1, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THROW_WITH(ZeroSumGame::FromPayoff(a), InvalidArgument, "row 2, column 1", "finite");
  EXPECT_THROW_WITH(ZeroSumGame::FromPayoff(Eigen::MatrixXd(0, 3)), InvalidArgument, "empty");
}

}  // namespace
}  // namespace nlhf
