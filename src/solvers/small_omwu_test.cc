// The small-game OMWU step against hand-computed updates and, where the build has AVX-512, the AVX-512
// step against the portable one for every size it is specialized to.
#include "solvers/small_omwu.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <iostream>
#include <string>
#include <vector>

#include "nlhf/generators.h"

namespace nlhf::internal {
namespace {

Eigen::Map<const Eigen::Matrix<double, kSmallOmwuMaxActions, 1>> View(const double* v) {
  return Eigen::Map<const Eigen::Matrix<double, kSmallOmwuMaxActions, 1>>(v);
}

Eigen::MatrixXd RandomSkew(int n, std::uint64_t seed) { return RandomPreferences(n, seed).array() - 0.5; }

Eigen::VectorXd RandomLogPolicy(int n, std::uint64_t seed) {
  const Eigen::VectorXd scores = 3 * RandomPreferences(n, seed).col(0);
  return scores.array() - std::log(scores.array().exp().sum());
}

// π ∝ π·exp(η d) with plain probabilities and std::exp: an independent reference.
Eigen::VectorXd MultiplicativeStep(const Eigen::VectorXd& pi, const Eigen::VectorXd& direction, double eta) {
  Eigen::VectorXd next(pi.size());
  for (int a = 0; a < pi.size(); ++a) next[a] = pi[a] * std::exp(eta * direction[a]);
  return next / next.sum();
}

class SmallOmwuPaths : public ::testing::TestWithParam<bool> {};  // portable or the machine's fastest

TEST_P(SmallOmwuPaths, FollowsTheHandComputedUpdates) {
  for (int n : {1, 2, 3, 7, 8, 9, 10, 15, 16}) {
    const Eigen::MatrixXd a = RandomSkew(n, 10 + n);
    const Eigen::VectorXd log_policy = RandomLogPolicy(n, 20 + n);
    const double eta = 1.7;
    SmallOmwu omwu(a, eta, log_policy, GetParam());
    Eigen::VectorXd pi = log_policy.array().exp(), previous_g = a * pi;
    for (int t = 0; t < 40; ++t) {
      const Eigen::VectorXd g = a * pi;
      EXPECT_NEAR(omwu.gap(), 2 * g.maxCoeff(), 1e-13) << "n = " << n << ", t = " << t;
      pi = MultiplicativeStep(pi, 2 * g - previous_g, eta);
      previous_g = g;
      omwu.Step();
      ASSERT_LT((omwu.policy() - pi).lpNorm<Eigen::Infinity>(), 1e-13) << "n = " << n << ", t = " << t;
      ASSERT_LT((omwu.log_policy() - pi.array().log().matrix()).lpNorm<Eigen::Infinity>(), 1e-12);
    }
  }
}

// Probabilities far below the double range are tracked in log space and recover: the equilibrium action,
// which beats both others, starts at probability e^−800 (0 as a double) and takes over, while the other
// two fall to e^−5000 and below.
TEST_P(SmallOmwuPaths, ProbabilitiesBelowTheDoubleRangeAreTrackedAndRecover) {
  Eigen::Matrix3d a;
  a << 0, 0.5, 0.5, -0.5, 0, 0.2, -0.5, -0.2, 0;
  const Eigen::Vector3d start(-800, 0, 0);
  SmallOmwu omwu(a, 1.0, start.array() - std::log(2.0), GetParam());
  EXPECT_LT(omwu.policy()[0], 1e-300);
  for (int t = 0; t < 20000; ++t) omwu.Step();
  EXPECT_TRUE(omwu.finite());
  EXPECT_EQ(omwu.policy()[0], 1.0);
  EXPECT_LT(omwu.log_policy().tail(2).maxCoeff(), -5000);
  EXPECT_NEAR(omwu.min_log_probability(), omwu.log_policy().minCoeff(), 1e-9);
  EXPECT_LT(omwu.gap(), 1e-300);
}

TEST_P(SmallOmwuPaths, NotANumberIsReportedNotHidden) {
  const Eigen::MatrixXd a = RandomSkew(10, 3);
  Eigen::VectorXd log_policy = RandomLogPolicy(10, 4);
  log_policy[6] = std::numeric_limits<double>::quiet_NaN();
  SmallOmwu omwu(a, 1.0, log_policy, GetParam());
  omwu.Step();
  EXPECT_FALSE(omwu.finite());
}

// A game where every response ties (P = 1/2 everywhere, A = 0): any policy is an equilibrium, the gap is
// 0 from the start and steps leave the policy alone. (Found by UBSan: the renormalization interval was
// 300/0 cast to int.)
TEST_P(SmallOmwuPaths, AllTiedGameIsAnEquilibriumFromTheStart) {
  const Eigen::VectorXd log_policy = RandomLogPolicy(5, 9);
  SmallOmwu omwu(Eigen::MatrixXd::Zero(5, 5), 1.0, log_policy, GetParam());
  EXPECT_EQ(omwu.gap(), 0.0);
  for (int t = 0; t < 100; ++t) omwu.Step();
  EXPECT_EQ(omwu.gap(), 0.0);
  EXPECT_TRUE(omwu.finite());
  EXPECT_TRUE(omwu.log_policy().isApprox(log_policy, 1e-12));
}

INSTANTIATE_TEST_SUITE_P(Steps, SmallOmwuPaths, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Portable" : "Fastest"; });

// The AVX-512 step's exp against long-double exp2 over its whole range, on a grid that hits every table
// entry and both ends of the polynomial's interval: within 3 ulp (2.06 measured); 0 below the range; NaN stays NaN.
TEST(SmallOmwu, Avx512ExpIsAccurateToThreeUlpOverItsRange) {
  std::vector<double> x;
  for (double v = -16.0 * 1020; v <= 16.0 * 1022; v += 0.37) x.push_back(v);
  for (double v : {-0.5, 0.5, -0.5000000001, 0.4999999999, 7.5, -7.5, 0.0, -16.0 * 1020}) x.push_back(v);
  std::vector<double> y(x.size());
  if (!Avx512Exp2Sixteenths(x.data(), y.data(), static_cast<int>(x.size()))) GTEST_SKIP() << "no AVX-512";
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const long double exact = std::exp2(static_cast<long double>(x[i]) / 16);
    const double error = static_cast<double>(std::fabs((y[i] - exact) / exact));
    worst = std::max(worst, error);
    ASSERT_LE(error, 3 * std::numeric_limits<double>::epsilon()) << "x = " << x[i] << ": " << y[i] << " vs " << static_cast<double>(exact);
  }
  std::cout << "largest relative error " << worst / std::numeric_limits<double>::epsilon() << " ulp\n";
  double edge[4] = {-16.0 * 1020 - 0.01, -1e300, -std::numeric_limits<double>::infinity(),
                    std::numeric_limits<double>::quiet_NaN()};
  double out[4];
  Avx512Exp2Sixteenths(edge, out, 4);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_EQ(out[1], 0.0);
  EXPECT_EQ(out[2], 0.0);
  EXPECT_TRUE(std::isnan(out[3]));
}

// Where the build has AVX-512 its step is the portable one up to rounding: one step from the same state,
// for every size it is specialized to and step sizes up to the largest the small path takes, along
// trajectories that pass the iterations where the normalizer's logarithm is subtracted.
TEST(SmallOmwu, Avx512StepMatchesThePortableStep) {
  if (Avx512SmallOmwuStep(10) == nullptr) GTEST_SKIP() << "this build has no AVX-512";
  for (int n = 1; n <= kSmallOmwuMaxActions; ++n) {
    for (double eta : {0.3, 2.0, 10.0, 100.0}) {
      SmallOmwu omwu(RandomSkew(n, 100 + n), eta, RandomLogPolicy(n, 200 + n), /*portable=*/true);
      for (int t = 1; t <= 100; ++t) {
        SmallOmwuState portable = omwu.state(), fastest = omwu.state();
        PortableSmallOmwuStep(portable);
        Avx512SmallOmwuStep(n)(fastest);
        const std::string where = "n = " + std::to_string(n) + ", η = " + std::to_string(eta) + ", t = " + std::to_string(t);
        ASSERT_LT((View(portable.log_weight) - View(fastest.log_weight)).lpNorm<Eigen::Infinity>(), 1e-12) << where;
        ASSERT_TRUE(((View(fastest.weight) - View(portable.weight)).head(n).array().abs() <=
                     1e-12 * View(portable.weight).head(n).array() + 1e-300).all()) << where;
        ASSERT_NEAR(fastest.total / portable.total, 1, 1e-13) << where;
        ASSERT_LT((View(portable.payoffs) - View(fastest.payoffs)).lpNorm<Eigen::Infinity>(), 1e-14) << where;
        ASSERT_NEAR(portable.gap, fastest.gap, 1e-14) << where;
        ASSERT_EQ(portable.since_renormalized, fastest.since_renormalized);
        omwu.Step();
      }
    }
  }
}

// And along whole trajectories, where the step is small enough that rounding is not amplified.
TEST(SmallOmwu, Avx512TrajectoryMatchesThePortableOne) {
  if (Avx512SmallOmwuStep(10) == nullptr) GTEST_SKIP() << "this build has no AVX-512";
  for (int n = 2; n <= kSmallOmwuMaxActions; ++n) {
    const Eigen::MatrixXd a = RandomSkew(n, 300 + n);
    const Eigen::VectorXd log_policy = RandomLogPolicy(n, 400 + n);
    SmallOmwu portable(a, 1.0, log_policy, true), fastest(a, 1.0, log_policy, false);
    for (int t = 1; t <= 3000; ++t) {
      portable.Step();
      fastest.Step();
    }
    EXPECT_LT((portable.policy() - fastest.policy()).lpNorm<Eigen::Infinity>(), 1e-11) << "n = " << n;
    EXPECT_NEAR(portable.gap(), fastest.gap(), 1e-12) << "n = " << n;
  }
}

}  // namespace
}  // namespace nlhf::internal
