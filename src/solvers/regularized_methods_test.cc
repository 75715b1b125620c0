// Nash-MD, online IPO, MMD and EGPO with β > 0: hand-computed steps, and their common fixed point, the
// β-regularized equilibrium, checked against its defining equation π = π_ref·exp(Aπ/β)/Z.
#include <cmath>

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/extragradient.h"
#include "nlhf/solvers/mmd.h"
#include "nlhf/solvers/nash_md.h"
#include "nlhf/solvers/online_ipo.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

// π ∝ Π_k π_k^{w_k} · exp(c·g), with plain probabilities: the reference for hand-computed steps.
Eigen::VectorXd Normalized(Eigen::VectorXd v) { return v / v.sum(); }

Eigen::VectorXd Geometric(const Eigen::VectorXd& a, double wa, const Eigen::VectorXd& b, double wb) {
  Eigen::VectorXd out(a.size());
  for (int i = 0; i < a.size(); ++i) out[i] = std::pow(a[i], wa) * std::pow(b[i], wb);
  return Normalized(out);
}

Eigen::VectorXd Tilt(const Eigen::VectorXd& p, const Eigen::VectorXd& g, double c) {
  Eigen::VectorXd out(p.size());
  for (int i = 0; i < p.size(); ++i) out[i] = p[i] * std::exp(c * g[i]);
  return Normalized(out);
}

class RegularizedStep : public ::testing::Test {
 protected:
  const ZeroSumGame game = SelfPlay(Cyclic3());
  const Eigen::MatrixXd a = game.payoff();
  const Eigen::Vector3d pi0{0.5, 0.3, 0.2};
  const Eigen::Vector3d ref{0.2, 0.2, 0.6};
  const double eta = 0.7;
  const double beta = 0.2;

  PlayerVectors LogPi0() const { return {pi0.array().log().matrix()}; }
  PlayerVectors LogRef() const { return {ref.array().log().matrix()}; }
  void ExpectPolicy(const IterativeMethod& method, const Eigen::VectorXd& expected) const {
    EXPECT_LT((ToProbabilities(method.CurrentLogPolicy()[0]) - expected).lpNorm<Eigen::Infinity>(), 1e-15);
  }
};

TEST_F(RegularizedStep, NashMdPlaysAgainstTheGeometricMixture) {
  const Eigen::VectorXd mixture = Geometric(pi0, 1 - eta * beta, ref, eta * beta);
  NashMdMethod method({.step_size = eta, .beta = beta, .reference_log_policy = LogRef()});
  method.Reset(game, LogPi0());
  method.Step(game, {a * pi0});
  ExpectPolicy(method, Tilt(mixture, a * mixture, eta));
}

TEST_F(RegularizedStep, OnlineIpoTiltsTheMixtureByThePayoffAtPiT) {
  OnlineIpoMethod method({.step_size = eta, .beta = beta, .reference_log_policy = LogRef()});
  method.Reset(game, LogPi0());
  method.Step(game, {a * pi0});
  ExpectPolicy(method, Tilt(Geometric(pi0, 1 - eta * beta, ref, eta * beta), a * pi0, eta));
}

TEST_F(RegularizedStep, MmdDividesByOnePlusEtaBeta) {
  MmdMethod method({.step_size = eta, .beta = beta, .reference_log_policy = LogRef()});
  method.Reset(game, LogPi0());
  method.Step(game, {a * pi0});
  const double w = 1 / (1 + eta * beta);
  Eigen::VectorXd expected(3);
  for (int i = 0; i < 3; ++i) expected[i] = std::pow(pi0[i] * std::pow(ref[i], eta * beta) * std::exp(eta * (a * pi0)[i]), w);
  ExpectPolicy(method, Normalized(expected));
}

TEST_F(RegularizedStep, ExtragradientStepsFromTheSavedPolicyWithTheLookAheadPayoff) {
  const Eigen::VectorXd base = Geometric(pi0, 1 - eta * beta, ref, eta * beta);
  const Eigen::VectorXd half = Tilt(base, a * pi0, eta);
  ExtragradientMethod method({.step_size = eta, .beta = beta, .reference_log_policy = LogRef()});
  method.Reset(game, LogPi0());
  method.Step(game, {a * pi0});
  ExpectPolicy(method, Tilt(base, a * half, eta));
  // β = 0: mirror-prox on the original game.
  ExtragradientMethod plain({.step_size = eta});
  plain.Reset(game, LogPi0());
  plain.Step(game, {a * pi0});
  ExpectPolicy(plain, Tilt(pi0, a * Tilt(pi0, a * pi0, eta), eta));
}

// Residual of the regularized-equilibrium equation π = π_ref·exp(Aπ/β)/Z, independent of every method.
double FixedPointResidual(const ZeroSumGame& game, const Eigen::VectorXd& pi, double beta,
                          const Eigen::VectorXd& ref) {
  return (pi - Tilt(ref, game.payoff() * pi, 1 / beta)).lpNorm<1>();
}

TEST(RegularizedMethods, AllConvergeToTheSameRegularizedEquilibrium) {
  const ZeroSumGame game = testing::SoccerGame();
  const double beta = 0.05;
  std::vector<Eigen::VectorXd> answers;
  for (const std::string algorithm : {"online-ipo", "mmd", "egpo"}) {
    SolveOptions options = PlainOptions(20000, 0.0);
    const SolveResult result = SolveWith(algorithm, game, options, {{"beta", beta}});
    EXPECT_LT(result.regularized_gap, 1e-10) << algorithm;
    EXPECT_LT(FixedPointResidual(game, result.policy[0], beta, Eigen::VectorXd::Constant(10, 0.1)), 1e-9)
        << algorithm;
    answers.push_back(result.policy[0]);
  }
  for (size_t k = 1; k < answers.size(); ++k) EXPECT_LT((answers[k] - answers[0]).lpNorm<1>(), 1e-9);
}

// Nash-MD plays against the mixture μ_t, not π_t, so with a constant step its fixed point satisfies
// π = π_ref·exp((1 − ηβ)Aπ/β + ηAμ)/Z: the regularized NE only up to O(η) (Munos et al. take η → 0).
TEST(RegularizedMethods, NashMdFixedPointApproachesTheRegularizedEquilibriumAsTheStepShrinks) {
  const ZeroSumGame game = testing::SoccerGame();
  std::vector<double> residuals;
  for (double eta : {0.8, 0.08, 0.008}) {
    const SolveResult result =
        SolveWith("nash-md", game, PlainOptions(static_cast<std::int64_t>(4000 / eta), 0.0),
                  {{"beta", 0.05}, {"eta", eta}});
    residuals.push_back(FixedPointResidual(game, result.policy[0], 0.05, Eigen::VectorXd::Constant(10, 0.1)));
  }
  EXPECT_GT(residuals[0], 1e-3) << "a constant step leaves a bias";
  EXPECT_NEAR(residuals[0] / residuals[1], 10, 3) << "the bias is linear in η";
  EXPECT_NEAR(residuals[1] / residuals[2], 10, 3);
}

TEST(RegularizedMethods, RespectANonUniformReference) {
  const ZeroSumGame game = SelfPlay(Cyclic3());
  const Eigen::Vector3d ref(0.6, 0.3, 0.1);
  SolveOptions options = PlainOptions(20000, 0.0);
  options.reference_log_policy = {ref.array().log().matrix()};
  const SolveResult result = SolveWith("mmd", game, options, {{"beta", 0.1}});
  EXPECT_LT(FixedPointResidual(game, result.policy[0], 0.1, ref), 1e-9);
  EXPECT_LT(result.regularized_gap, 1e-10);
}

TEST(RegularizedMethods, OriginalGapPlateausAboveZeroAndGrowsWithBeta) {
  const ZeroSumGame game = testing::SoccerGame();
  for (const std::string algorithm : {"online-ipo", "mmd", "nash-md"}) {
    double previous_plateau = 0;
    for (double beta : {0.01, 0.03, 0.1}) {
      const SolveResult result = SolveWith(algorithm, game, PlainOptions(30000, 0.0), {{"beta", beta}});
      if (algorithm != "nash-md") {
        EXPECT_LT(result.regularized_gap, 1e-9) << algorithm << " β = " << beta;
      }
      EXPECT_GT(result.duality_gap, 1e-3) << algorithm << " β = " << beta;
      EXPECT_GT(result.duality_gap, previous_plateau) << algorithm << " β = " << beta;
      previous_plateau = result.duality_gap;
    }
  }
}

TEST(RegularizedMethods, StepTimesBetaAboveOneIsRejected) {
  EXPECT_THROW_WITH(ResolveParameters(FindAlgorithm("nash-md"), {{"eta", 10}, {"beta", 0.5}}),
                    InvalidArgument, "nash-md: eta·beta = 5. Violated constraint: eta·beta <= 1");
  EXPECT_THROW_WITH(ResolveParameters(FindAlgorithm("mmd"), {{"beta", 0}}), InvalidArgument, "beta > 0");
  EXPECT_NO_THROW(ResolveParameters(FindAlgorithm("egpo"), {{"beta", 0}}));
}

TEST(RegularizedDualityGap, IsZeroOnlyAtTheRegularizedEquilibrium) {
  const ZeroSumGame game = SelfPlay(Cyclic3());
  const PlayerVectors uniform_ref = {Eigen::Vector3d::Constant(std::log(1.0 / 3))};
  // β → ∞ makes π_ref the equilibrium; the uniform policy has a positive gap for finite β.
  EXPECT_GT(RegularizedDualityGap(game, {Eigen::Vector3d::Constant(1.0 / 3)}, 0.1, uniform_ref), 1e-3);
  EXPECT_NEAR(RegularizedDualityGap(game, {Eigen::Vector3d::Constant(1.0 / 3)}, 1e6, uniform_ref), 0, 1e-7);
}

}  // namespace
}  // namespace nlhf
