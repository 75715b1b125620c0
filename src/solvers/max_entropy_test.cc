#include "nlhf/solvers/max_entropy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/random.h"
#include "nlhf/solvers/exact_lp.h"

namespace nlhf {
namespace {

Eigen::MatrixXd Rows(std::initializer_list<std::initializer_list<double>> rows) {
  Eigen::MatrixXd m(rows.size(), rows.begin()->size());
  int r = 0;
  for (const auto& row : rows) {
    int c = 0;
    for (const double v : row) m(r, c++) = v;
    ++r;
  }
  return m;
}

void ExpectVectorNear(const Eigen::VectorXd& actual, const Eigen::VectorXd& expected, double tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (Eigen::Index i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "entry " << i << " of " << actual.transpose();
  }
}

TEST(MaximizeEntropy, WithoutConstraintsIsUniform) {
  const MaxEntropyPoint p = MaximizeEntropy(Eigen::MatrixXd(0, 4), Eigen::VectorXd(0));
  ExpectVectorNear(p.point, Eigen::VectorXd::Constant(4, 0.25), 1e-14);
  EXPECT_NEAR(p.entropy, std::log(4.0), 1e-14);
  EXPECT_TRUE(p.kkt_verified);
}

// An active bound: x1 >= 1/2 on the 3-simplex leaves the rest to split evenly.
TEST(MaximizeEntropy, ActiveConstraintIsMetExactly) {
  const MaxEntropyPoint p = MaximizeEntropy(Rows({{1, 0, 0}}), Eigen::VectorXd::Constant(1, 0.5));
  ExpectVectorNear(p.point, Eigen::Vector3d(0.5, 0.25, 0.25), 1e-13);
  EXPECT_TRUE(p.kkt_verified);
  EXPECT_LE(p.infeasibility, 1e-15);
}

TEST(MaximizeEntropy, InactiveConstraintChangesNothing) {
  const MaxEntropyPoint p = MaximizeEntropy(Rows({{1, 0, 0}}), Eigen::VectorXd::Constant(1, 0.1));
  ExpectVectorNear(p.point, Eigen::VectorXd::Constant(3, 1.0 / 3), 1e-12);
}

// Implicit equalities: x1 − x2 >= 0 and x2 − x1 >= 0 make x1 = x2 (no point is strictly inside either);
// −x3 >= 0 forces x3 = 0.
TEST(MaximizeEntropy, ImplicitEqualitiesAndForcedZeros) {
  const MaxEntropyPoint equal = MaximizeEntropy(Rows({{1, -1, 0, 0}, {-1, 1, 0, 0}, {0, 0, 0, -1}}),
                                                Eigen::VectorXd::Zero(3));
  ExpectVectorNear(equal.point, Eigen::Vector4d(1.0 / 3, 1.0 / 3, 1.0 / 3, 0), 1e-12);
  EXPECT_TRUE(equal.kkt_verified);
}

// A mean constraint Σ i·x_i >= 3 over i = 0..4: the maximizer is the Gibbs distribution x_i ∝ exp(λ i)
// whose mean is exactly 3 (the Lagrange conditions), so consecutive ratios are equal.
TEST(MaximizeEntropy, MeanConstraintGivesTheGibbsDistribution) {
  const MaxEntropyPoint p = MaximizeEntropy(Rows({{0, 1, 2, 3, 4}}), Eigen::VectorXd::Constant(1, 3.0));
  EXPECT_TRUE(p.kkt_verified);
  double mean = 0;
  for (int i = 0; i < 5; ++i) mean += i * p.point[i];
  EXPECT_NEAR(mean, 3.0, 1e-12);
  for (int i = 1; i < 4; ++i) EXPECT_NEAR(p.point[i + 1] / p.point[i], p.point[1] / p.point[0], 1e-9) << i;
  EXPECT_GT(p.point[4] / p.point[3], 1.0);
}

TEST(MaximizeEntropy, EmptyPolytopeIsAnError) {
  EXPECT_THROW(MaximizeEntropy(Rows({{1, 0}, {0, 1}}), Eigen::Vector2d(0.6, 0.6)), Error);
}

// Nash averaging's invariance (Balduzzi et al. 2018): a copy of a task shares the task's weight, so the
// agents' skills do not change; uniform averaging over tasks would favour the agent good at the copy.
TEST(FindMaxEntropyEquilibrium, ACopiedTaskSharesItsWeight) {
  const MaxEntropyEquilibrium once = FindMaxEntropyEquilibrium(Rows({{1, 0}, {0, 1}}));
  const MaxEntropyEquilibrium twice = FindMaxEntropyEquilibrium(Rows({{1, 0, 0}, {0, 1, 1}}));
  ExpectVectorNear(once.row, Eigen::Vector2d(0.5, 0.5), 1e-12);
  ExpectVectorNear(twice.row, Eigen::Vector2d(0.5, 0.5), 1e-12);
  ExpectVectorNear(twice.column, Eigen::Vector3d(0.5, 0.25, 0.25), 1e-12);
  EXPECT_NEAR(twice.value, 0.5, 1e-12);
  EXPECT_LE(twice.duality_gap, 1e-12);
  EXPECT_TRUE(twice.kkt_verified);
}

TEST(FindMaxEntropyEquilibrium, CopiedAgentsShareTheirWeight) {
  const MaxEntropyEquilibrium e = FindMaxEntropyEquilibrium(Rows({{1, 0}, {1, 0}, {0, 1}}));
  ExpectVectorNear(e.row, Eigen::Vector3d(0.25, 0.25, 0.5), 1e-12);
  ExpectVectorNear(e.column, Eigen::Vector2d(0.5, 0.5), 1e-12);
}

// Three models compared only with a baseline they all beat (P = 0.7 against it, 1/2 among themselves, as
// a sparse arena table reads): every mixture of the three is an equilibrium; the maximum-entropy one
// gives 1/3 each, and nothing to the baseline.
TEST(FindMaxEntropyEquilibrium, NeverComparedModelsShareEvenly) {
  Eigen::MatrixXd p = Eigen::MatrixXd::Constant(4, 4, 0.5);
  for (int i = 1; i < 4; ++i) {
    p(i, 0) = 0.7;
    p(0, i) = 0.3;
  }
  const MaxEntropyEquilibrium e = FindMaxEntropyEquilibrium(p.array() - 0.5);
  ExpectVectorNear(e.row, Eigen::Vector4d(0, 1.0 / 3, 1.0 / 3, 1.0 / 3), 1e-12);
  ExpectVectorNear(e.column, e.row, 1e-12);
  EXPECT_NEAR(e.value, 0, 1e-14);
}

// Random payoff games have one equilibrium (almost surely): the maximum-entropy one is it, as GLPK's
// simplex finds it. Scaling the payoff (Atari scores run to the thousands) changes nothing.
TEST(FindMaxEntropyEquilibrium, IsTheEquilibriumWhereItIsUnique) {
  Rng rng(5);
  for (int trial = 0; trial < 12; ++trial) {
    const int m = 2 + trial % 6, n = 2 + (5 * trial) % 7;
    Eigen::MatrixXd payoff(m, n);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) payoff(i, j) = 2 * rng.Uniform() - 1;
    }
    const MaxEntropyEquilibrium e = FindMaxEntropyEquilibrium(1000 * payoff);
    ExpectVectorNear(e.row, SolveMaximinLp(payoff), 1e-9);
    ExpectVectorNear(e.column, SolveMaximinLp(-payoff.transpose()), 1e-9);
    EXPECT_LE(e.duality_gap, 1e-8) << "trial " << trial;
  }
}

// Copies of rows and columns of a game with one equilibrium: the optimal strategies of the larger game
// are the splits of the base equilibrium among copies, and the maximum-entropy split is the even one.
TEST(FindMaxEntropyEquilibrium, SplitsEvenlyAmongCopiesInALargerGame) {
  Rng rng(17);
  const int m = 7, n = 9;
  Eigen::MatrixXd base(m, n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) base(i, j) = rng.Uniform();
  }
  std::vector<int> row_of, column_of;
  for (int i = 0; i < m; ++i) {
    for (int copy = 0; copy <= i % 3; ++copy) row_of.push_back(i);
  }
  for (int j = 0; j < n; ++j) {
    for (int copy = 0; copy <= (j + 1) % 4; ++copy) column_of.push_back(j);
  }
  Eigen::MatrixXd copied(row_of.size(), column_of.size());
  for (size_t r = 0; r < row_of.size(); ++r) {
    for (size_t c = 0; c < column_of.size(); ++c) copied(r, c) = base(row_of[r], column_of[c]);
  }
  const Eigen::VectorXd row = SolveMaximinLp(base), column = SolveMaximinLp(-base.transpose());
  Eigen::VectorXd expected_row(row_of.size()), expected_column(column_of.size());
  for (size_t r = 0; r < row_of.size(); ++r) expected_row[r] = row[row_of[r]] / (1 + row_of[r] % 3);
  for (size_t c = 0; c < column_of.size(); ++c) expected_column[c] = column[column_of[c]] / (1 + (column_of[c] + 1) % 4);
  const MaxEntropyEquilibrium e = FindMaxEntropyEquilibrium(copied);
  ExpectVectorNear(e.row, expected_row, 1e-10);
  ExpectVectorNear(e.column, expected_column, 1e-10);
  EXPECT_TRUE(e.kkt_verified);
  EXPECT_LE(e.duality_gap, 1e-12);
}

}  // namespace
}  // namespace nlhf
