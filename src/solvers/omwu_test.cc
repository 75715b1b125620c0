#include "nlhf/solvers/omwu.h"

#include <fmt/format.h>

#include <cmath>

#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/exact_lp.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

// π ∝ π·exp(η d), computed with plain probabilities: an independent reference for small steps.
Eigen::VectorXd MultiplicativeStep(const Eigen::VectorXd& pi, const Eigen::VectorXd& direction, double eta) {
  Eigen::VectorXd next(pi.size());
  for (int a = 0; a < pi.size(); ++a) next[a] = pi[a] * std::exp(eta * direction[a]);
  return next / next.sum();
}

TEST(Omwu, FirstTwoStepsMatchTheHandComputedUpdateOn3x3) {
  const ZeroSumGame game = SelfPlay(Cyclic3());
  const Eigen::MatrixXd a = game.payoff();
  const double eta = 0.7;
  const Eigen::Vector3d pi0(0.5, 0.3, 0.2);
  // t = 0: g_{−1} = g_0, so the direction is 2g_0 − g_0 = g_0.
  const Eigen::VectorXd g0 = a * pi0;
  const Eigen::VectorXd pi1 = MultiplicativeStep(pi0, g0, eta);
  const Eigen::VectorXd g1 = a * pi1;
  const Eigen::VectorXd pi2 = MultiplicativeStep(pi1, 2 * g1 - g0, eta);

  OmwuMethod method({.step_size = eta});
  method.Reset(game, {pi0.array().log().matrix()});
  method.Step(game, {g0});
  EXPECT_LT((ToProbabilities(method.CurrentLogPolicy()[0]) - pi1).lpNorm<Eigen::Infinity>(), 1e-15);
  method.Step(game, {g1});
  EXPECT_LT((ToProbabilities(method.CurrentLogPolicy()[0]) - pi2).lpNorm<Eigen::Infinity>(), 1e-15);

  // The driver feeds the same payoffs: two iterations from π0 land on π2.
  SolveOptions options = PlainOptions(2, 0.0);
  options.initial = {.kind = InitialPolicy::Kind::kGiven, .log_policy = {pi0.array().log().matrix()}};
  OmwuMethod driven({.step_size = eta});
  const SolveResult result = Solve(game, driven, options, "omwu");
  EXPECT_EQ(result.iterations, 2);
  EXPECT_LT((result.policy[0] - pi2).lpNorm<Eigen::Infinity>(), 1e-15);
}

TEST(Omwu, TwoPlayerStepUsesAyForRowsAndMinusATransposeXForColumns) {
  Eigen::MatrixXd a(2, 3);
  a << 0.3, -0.2, 0.5, -0.4, 0.1, 0.0;
  const ZeroSumGame game = ZeroSumGame::FromPayoff(a);
  const Eigen::Vector2d x0(0.6, 0.4);
  const Eigen::Vector3d y0(0.2, 0.5, 0.3);
  const double eta = 1.3;
  OmwuMethod method({.step_size = eta});
  method.Reset(game, {x0.array().log().matrix(), y0.array().log().matrix()});
  method.Step(game, game.Payoffs({x0, y0}));
  EXPECT_LT((ToProbabilities(method.CurrentLogPolicy()[0]) - MultiplicativeStep(x0, a * y0, eta)).norm(), 1e-15);
  EXPECT_LT((ToProbabilities(method.CurrentLogPolicy()[1]) - MultiplicativeStep(y0, -a.transpose() * x0, eta)).norm(),
            1e-15);
}

// The unique NE of cyclic3 in closed form: for A = [[0, p, q], [−p, 0, r], [−q, −r, 0]] the kernel is
// (r, −q, p); here p = −0.4, q = 0.3, r = −0.4, so π* = (4, 3, 4)/11.
TEST(Omwu, LastIterateGapBelow1e9OnCyclic3AndPolicyWithin1e6OfClosedForm) {
  OmwuMethod method({.step_size = 2.0});
  const SolveResult result = Solve(SelfPlay(Cyclic3()), method, PlainOptions(100000), "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_LE(result.duality_gap, 1e-9);
  EXPECT_LT((result.policy[0] - Eigen::Vector3d(4, 3, 4) / 11).lpNorm<1>(), 1e-6);
}

TEST(Omwu, FromARandomStartRockPaperScissorsConvergesToUniform) {
  SolveOptions options = PlainOptions(100000);
  options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = 11};
  OmwuMethod method({.step_size = 1.0});
  const SolveResult result = Solve(SelfPlay(RockPaperScissors()), method, options, "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_GT(result.iterations, 10) << "the random start is not already the equilibrium";
  EXPECT_LT((result.policy[0] - Eigen::Vector3d::Constant(1.0 / 3)).lpNorm<1>(), 1e-6);
}

TEST(Omwu, MatchesTheLpOnTheSoccerDataWithin1e6) {
  const ZeroSumGame game = testing::SoccerGame();
  OmwuMethod method({.step_size = 2.0});
  const SolveResult result = Solve(game, method, PlainOptions(100000), "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  const Eigen::VectorXd lp = SolveMaximinLp(game.payoff());
  EXPECT_LT((result.policy[0] - lp).lpNorm<1>(), 1e-6);
  EXPECT_EQ(result.support[0], (std::vector<int>{1, 8, 9}));
}

// Warm-started from the exact solver (InitialPolicy::Kind::kExact), OMWU starts within the mixed-in share
// of GLPK's equilibrium and certifies in fewer iterations than from the uniform policy.
TEST(Omwu, WarmStartedFromTheExactSolverStartsAtTheLpEquilibrium) {
  const ZeroSumGame game = testing::SoccerGame();
  const Eigen::VectorXd lp = SolveMaximinLp(game.payoff());
  SolveOptions start = PlainOptions(0);
  start.initial = {.kind = InitialPolicy::Kind::kExact, .exact_mixing = 1e-6};
  OmwuMethod first({.step_size = 2.0});
  const SolveResult at_start = Solve(game, first, start, "omwu");
  EXPECT_LT((at_start.policy[0] - lp).lpNorm<1>(), 3e-6);  // (1 − ε)π* + ε/n is within 2ε of π*
  EXPECT_LT(at_start.duality_gap, 1e-5);

  SolveOptions warm = PlainOptions(100000);
  warm.initial = start.initial;
  OmwuMethod second({.step_size = 2.0}), third({.step_size = 2.0});
  const SolveResult from_exact = Solve(game, second, warm, "omwu");
  const SolveResult from_uniform = Solve(game, third, PlainOptions(100000), "omwu");
  ASSERT_TRUE(from_exact.converged()) << from_exact.BriefReport();
  ASSERT_TRUE(from_uniform.converged()) << from_uniform.BriefReport();
  EXPECT_LT(from_exact.iterations, from_uniform.iterations);
  EXPECT_LT((from_exact.policy[0] - lp).lpNorm<1>(), 1e-6);

  start.initial.exact_mixing = 0;  // a zero share would leave actions at −inf
  OmwuMethod fourth({.step_size = 2.0});
  EXPECT_THROW_WITH(Solve(game, fourth, start, "omwu"), InvalidArgument, "(0, 1]");
}

TEST(Omwu, MatchesTheLpOnRandomGamesWithUniqueEquilibria) {
  for (std::uint64_t seed : {1, 2, 4}) {
    const ZeroSumGame game = SelfPlay(RandomPreferences(10, seed));
    OmwuMethod method({.step_size = 2.0});
    const SolveResult result = Solve(game, method, PlainOptions(200000), "omwu");
    ASSERT_TRUE(result.converged()) << "seed " << seed << ": " << result.BriefReport();
    EXPECT_LT((result.policy[0] - SolveMaximinLp(game.payoff())).lpNorm<1>(), 1e-6) << "seed " << seed;
  }
}

// The solve loop hands the fused small-game kernel stretches of updates between its checks (no callback, trace
// point, polishing try or limit due); a callback makes it ask after every update. Both give the same solve,
// bit for bit: stopping at the same iteration (a tolerance met inside a stretch, a polishing try, the limit),
// with the same trace.
TEST(Omwu, StretchesOfUpdatesSolveAsOneUpdateAtATime) {
  const ZeroSumGame game = SelfPlay(RandomPreferences(10, 7));
  for (const bool polish : {false, true}) {
    for (const double tolerance : {0.0, 1e-4, 1e-9}) {
      SolveOptions options;
      options.max_iterations = 3000;
      options.gap_tolerance = tolerance;
      options.polish = polish;
      options.trace_interval = 7;
      const SolveResult stretches = SolveWith("omwu", game, options);
      options.callback = [](const TraceRecord&) { return true; };
      const SolveResult one_at_a_time = SolveWith("omwu", game, options);
      const std::string where = fmt::format("polish {}, tolerance {}", polish, tolerance);
      EXPECT_EQ(stretches.iterations, one_at_a_time.iterations) << where;
      EXPECT_EQ(stretches.termination, one_at_a_time.termination) << where;
      EXPECT_EQ(stretches.message, one_at_a_time.message) << where;
      EXPECT_EQ(stretches.policy[0], one_at_a_time.policy[0]) << where;
      EXPECT_EQ(stretches.duality_gap, one_at_a_time.duality_gap) << where;
      ASSERT_EQ(stretches.trace.size(), one_at_a_time.trace.size()) << where;
      for (size_t k = 0; k < stretches.trace.size(); ++k) {
        EXPECT_EQ(stretches.trace[k].iteration, one_at_a_time.trace[k].iteration) << where;
        EXPECT_EQ(stretches.trace[k].duality_gap, one_at_a_time.trace[k].duality_gap) << where;
      }
      // Between trace points: the tolerance was met inside a stretch.
      if (tolerance == 1e-4 && !polish) EXPECT_NE(stretches.iterations % options.trace_interval, 0) << where;
    }
  }
}

TEST(Omwu, TransitiveGameConvergesToThePureStrongestResponse) {
  Eigen::VectorXd scores;
  const ZeroSumGame game = SelfPlay(TransitivePreferences(10, 3, &scores));
  OmwuMethod method({.step_size = 2.0});
  const SolveResult result = Solve(game, method, PlainOptions(100000), "omwu");
  ASSERT_TRUE(result.converged());
  Eigen::Index best = 0;
  scores.maxCoeff(&best);
  EXPECT_EQ(result.support[0], (std::vector<int>{static_cast<int>(best)}));
}

TEST(Omwu, PlantedEvenGameReturnsAPointOfTheEquilibriumSegment) {
  Eigen::VectorXd planted;
  const Eigen::MatrixXd p = PlantedPreferences(10, 2, &planted);
  const ZeroSumGame game = SelfPlay(p);
  OmwuMethod method({.step_size = 2.0});
  const SolveResult result = Solve(game, method, PlainOptions(200000), "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_LE(result.duality_gap, 1e-9);
  // Full support (the segment through the interior π*), and an equalizer: A π = 0 on every action,
  // which with Σπ = 1, π >= 0 is exactly the NE set of a game with a full-support NE.
  EXPECT_EQ(result.support[0].size(), 10u);
  EXPECT_LT((game.payoff() * result.policy[0]).lpNorm<Eigen::Infinity>(), 1e-9);
  // Even n: A is singular beyond π*, so OMWU need not return π* itself, but π − π* lies in A's kernel.
  EXPECT_LT((game.payoff() * (result.policy[0] - planted)).lpNorm<Eigen::Infinity>(), 1e-9);
}

// Marginal convergence (arXiv 2512.24818): planted n = 11 (odd, so the full-support NE is unique), seed 1,
// action 0 started at log-probability −5000, η = 2. Measured: gap 1e-8 after about 342,000 iterations.
// (At η = 1 the same start needs more than 1e6 iterations, and from −5000 most 3- and 5-action games
// cycle near the boundary for over 1e6 iterations: the burn-in grows with the depth of the start.)
TEST(Omwu, ActionStartedAtMinus5000ClimbsBackAndGapReaches1e8) {
  Eigen::VectorXd planted;
  const ZeroSumGame game = SelfPlay(PlantedPreferences(11, 1, &planted));
  Eigen::VectorXd start = Eigen::VectorXd::Zero(11);
  start[0] = -5000;
  SolveOptions options = PlainOptions(1000000, 1e-8);
  options.initial = {.kind = InitialPolicy::Kind::kGiven, .log_policy = {start}};
  options.trace_interval = 1000;
  options.trace_log_policy = true;
  OmwuMethod method({.step_size = 2.0});
  const SolveResult result = Solve(game, method, options, "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_LE(result.duality_gap, 1e-8);
  EXPECT_LT((result.policy[0] - planted).lpNorm<1>(), 1e-5);

  // The trace: action 0 starts near −5000 (an exp() that underflows to 0) and is still below −50 after
  // many iterations; from the last time it is below −50 on, it climbs back above −10 and stays there.
  ASSERT_GT(result.trace.size(), 10u);
  EXPECT_LT(result.trace.front().log_policy[0][0], -4999);
  size_t last_below_minus_50 = 0;
  for (size_t k = 0; k < result.trace.size(); ++k) {
    if (result.trace[k].log_policy[0][0] < -50) last_below_minus_50 = k;
  }
  EXPECT_GT(result.trace[last_below_minus_50].iteration, 1000);
  EXPECT_GT(result.trace[last_below_minus_50].duality_gap, 1e-3) << "still in burn-in then";
  EXPECT_LT(last_below_minus_50 + 1, result.trace.size());
  EXPECT_GT(result.trace.back().log_policy[0][0], -10);
  EXPECT_GT(result.trace.back().min_log_probability, -10);
}

TEST(Omwu, TwoPlayerMatchesTheClosedFormOnHard2x2) {
  const double delta = 0.1;
  const ZeroSumGame game = ZeroSumGame::FromPayoff(Hard2x2Payoff(delta));
  OmwuMethod method({.step_size = 1.0});
  const SolveResult result = Solve(game, method, PlainOptions(1000000), "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  EXPECT_LT((result.policy[0] - Eigen::Vector2d(1, delta) / (1 + delta)).lpNorm<1>(), 1e-6);
  EXPECT_LT((result.policy[1] - Eigen::Vector2d(1, 1 + 2 * delta) / (2 + 2 * delta)).lpNorm<1>(), 1e-6);
}

TEST(Omwu, NonSquarePayoffGameMatchesTheLp) {
  Eigen::MatrixXd a(3, 4);
  a << 0.9, -0.3, 0.2, -0.6, -0.5, 0.7, -0.1, 0.4, 0.1, 0.0, 0.6, -0.8;
  const ZeroSumGame game = ZeroSumGame::FromPayoff(a);
  OmwuMethod method({.step_size = 1.0});
  const SolveResult result = Solve(game, method, PlainOptions(1000000), "omwu");
  ASSERT_TRUE(result.converged()) << result.BriefReport();
  const SolveResult lp = SolveExactLp(game, PlainOptions(0));
  // Both certified: their values xᵀAy agree to within the gap.
  const double omwu_value = result.policy[0].dot(a * result.policy[1]);
  const double lp_value = lp.policy[0].dot(a * lp.policy[1]);
  EXPECT_NEAR(omwu_value, lp_value, 1e-9);
}

TEST(Omwu, OverflowingStepIsReportedAsNumericalFailureNotACrash) {
  // Finite payoffs so large that η·g overflows to infinity in the first step.
  Eigen::MatrixXd a(2, 2);
  a << 1e308, -1e308, -1e308, 1e308;
  OmwuMethod method({.step_size = 10});
  SolveOptions options = PlainOptions(100);
  options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = 1};
  const SolveResult result = Solve(ZeroSumGame::FromPayoff(a), method, options, "omwu");
  EXPECT_EQ(result.termination, Termination::kNumericalFailure);
  EXPECT_THAT(result.message, ::testing::HasSubstr("non-finite"));
}

}  // namespace
}  // namespace nlhf
