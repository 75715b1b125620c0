// The small-game OMWU step against hand-computed updates and, where the build has AVX-512, the AVX-512
// step against the portable one for every size it is specialized to.
#include "solvers/small_omwu.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
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
  if (Avx512SmallOmwuSteps(10) == nullptr) GTEST_SKIP() << "this build has no AVX-512";
  for (int n = 1; n <= kSmallOmwuMaxActions; ++n) {
    for (double eta : {0.3, 2.0, 10.0, 100.0}) {
      SmallOmwu omwu(RandomSkew(n, 100 + n), eta, RandomLogPolicy(n, 200 + n), /*portable=*/true);
      for (int t = 1; t <= 100; ++t) {
        SmallOmwuState portable = omwu.state(), fastest = omwu.state();
        PortableSmallOmwuSteps(portable, 1, 0);
        Avx512SmallOmwuSteps(n)(fastest, 1, 0);
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
  if (Avx512SmallOmwuSteps(10) == nullptr) GTEST_SKIP() << "this build has no AVX-512";
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

// Whether two states hold the same numbers, bit for bit.
bool SameState(const SmallOmwuState& x, const SmallOmwuState& y) {
  const auto same = [](const double* a, const double* b, int size) { return std::memcmp(a, b, size * sizeof(double)) == 0; };
  constexpr int kSize = SmallOmwuState::kSize;
  return same(x.log_weight, y.log_weight, kSize) && same(x.weight, y.weight, kSize) &&
         same(x.previous_weight, y.previous_weight, kSize) && same(x.payoffs, y.payoffs, kSize) &&
         same(x.previous_payoffs, y.previous_payoffs, kSize) && same(&x.total, &y.total, 1) &&
         same(&x.previous_total, &y.previous_total, 1) && same(&x.gap, &y.gap, 1) && x.finite == y.finite &&
         x.since_renormalized == y.since_renormalized;
}

// A stretch of updates made in one call (the state held in registers throughout, for AVX-512) is the same
// updates made one by one, bit for bit, and it ends after the first update whose gap is at most the
// tolerance, as the solve loop would.
TEST(SmallOmwu, AStretchOfUpdatesIsThoseUpdatesOneByOne) {
  std::vector<std::pair<std::string, SmallOmwuSteps>> kernels{{"portable", PortableSmallOmwuSteps}};
  for (int n : {1, 3, 8, 10, 16}) {
    if (SmallOmwuSteps avx512 = Avx512SmallOmwuSteps(n)) kernels.emplace_back("avx512", avx512);
    for (const auto& [name, steps] : kernels) {
      const std::string where = name + ", n = " + std::to_string(n);
      const SmallOmwu start(RandomSkew(n, 500 + n), 1.5, RandomLogPolicy(n, 600 + n), /*portable=*/true);
      SmallOmwuState stretch = start.state(), one_by_one = start.state();
      ASSERT_EQ(steps(stretch, 137, -1), 137) << where;  // gaps are >= 0: no update meets -1
      std::vector<double> gaps;
      for (int t = 0; t < 137; ++t) {
        steps(one_by_one, 1, 0);
        gaps.push_back(one_by_one.gap);
      }
      EXPECT_TRUE(SameState(stretch, one_by_one)) << where;
      if (n == 1) continue;  // a 1 × 1 game's gap is 0 from the start
      // A tolerance first met at some update inside the stretch: the stretch ends there.
      const double tolerance = *std::min_element(gaps.begin() + 20, gaps.begin() + 40);
      const auto first_met = std::find_if(gaps.begin(), gaps.end(), [&](double gap) { return gap <= tolerance; });
      const std::int64_t expected = first_met - gaps.begin() + 1;
      SmallOmwuState stopped = start.state(), reference = start.state();
      ASSERT_EQ(steps(stopped, 1000, tolerance), expected) << where;
      for (std::int64_t t = 0; t < expected; ++t) steps(reference, 1, 0);
      EXPECT_TRUE(SameState(stopped, reference)) << where;
    }
    kernels.resize(1);
  }
}

// Two games advanced by the paired kernel make each game's own updates, bit for bit, and the pair stops
// after the first update at which either game meets the tolerance, whichever of the two it is.
TEST(SmallOmwu, PairedUpdatesAreEachGamesOwnUpdates) {
  if (Avx512PairedSmallOmwuSteps(10) == nullptr) GTEST_SKIP() << "this build has no AVX-512";
  for (int n : {1, 2, 3, 8, 9, 10, 16}) {
    const std::string where = "n = " + std::to_string(n);
    const SmallOmwuSteps alone = Avx512SmallOmwuSteps(n);
    const PairedSmallOmwuSteps paired = Avx512PairedSmallOmwuSteps(n);
    // Step sizes that differ, so that the games renormalize on different updates.
    const SmallOmwu first(RandomSkew(n, 700 + n), 1.0, RandomLogPolicy(n, 800 + n), /*portable=*/true);
    const SmallOmwu second(RandomSkew(n, 900 + n), 2.5, RandomLogPolicy(n, 1000 + n), /*portable=*/true);
    // Stretches of different lengths: side by side for the shorter, the longer's rest alone.
    for (const PairedUpdates counts : {PairedUpdates{211, 211}, PairedUpdates{150, 211}, PairedUpdates{211, 7}}) {
      SmallOmwuState a = first.state(), b = second.state(), a_alone = first.state(), b_alone = second.state();
      const PairedUpdates made = paired(a, b, counts, -1);
      EXPECT_EQ(made.first, counts.first) << where;
      EXPECT_EQ(made.second, counts.second) << where;
      ASSERT_EQ(alone(a_alone, counts.first, -1), counts.first) << where;
      ASSERT_EQ(alone(b_alone, counts.second, -1), counts.second) << where;
      EXPECT_TRUE(SameState(a, a_alone)) << where;
      EXPECT_TRUE(SameState(b, b_alone)) << where;
    }
    if (n == 1) continue;  // a 1 × 1 game's gap is 0 from the start
    // A tolerance that the second game meets first, then one that the first meets first.
    for (int stopper = 0; stopper < 2; ++stopper) {
      std::vector<double> gaps[2];
      SmallOmwuState trace[2] = {first.state(), second.state()};
      for (int t = 0; t < 300; ++t) {
        for (int g = 0; g < 2; ++g) {
          alone(trace[g], 1, 0);
          gaps[g].push_back(trace[g].gap);
        }
      }
      // The lowest gap of the stopper over updates 30–60, if the other game stays above it there.
      const double tolerance = *std::min_element(gaps[stopper].begin() + 30, gaps[stopper].begin() + 60);
      const auto first_at_or_below = [&](const std::vector<double>& g) {
        return std::find_if(g.begin(), g.end(), [&](double gap) { return gap <= tolerance; }) - g.begin() + 1;
      };
      const std::int64_t expected = std::min(first_at_or_below(gaps[0]), first_at_or_below(gaps[1]));
      SmallOmwuState x = first.state(), y = second.state(), x_alone = first.state(), y_alone = second.state();
      const PairedUpdates made = paired(x, y, {1000, 1000}, tolerance);
      ASSERT_EQ(made.first, expected) << where << ", stopper " << stopper;
      ASSERT_EQ(made.second, expected) << where << ", stopper " << stopper;
      for (std::int64_t t = 0; t < expected; ++t) {
        alone(x_alone, 1, 0);
        alone(y_alone, 1, 0);
      }
      EXPECT_TRUE(SameState(x, x_alone)) << where;
      EXPECT_TRUE(SameState(y, y_alone)) << where;
      // The stopper alone after a short side-by-side stretch: its rest ends where the tolerance is met.
      const std::int64_t stopper_alone = first_at_or_below(gaps[stopper]);
      SmallOmwuState p = first.state(), q = second.state();
      const PairedUpdates tail = stopper == 0 ? paired(p, q, {1000, 5}, tolerance) : paired(p, q, {5, 1000}, tolerance);
      if (stopper_alone > 5 && first_at_or_below(gaps[1 - stopper]) > 5) {
        EXPECT_EQ(stopper == 0 ? tail.first : tail.second, stopper_alone) << where;
        EXPECT_EQ(stopper == 0 ? tail.second : tail.first, 5) << where;
      }
    }
  }
}

}  // namespace
}  // namespace nlhf::internal
