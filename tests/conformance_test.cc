// Every registered algorithm, tested the same way (OpenSpiel's basic_tests style): a method is tested the
// day it is registered.
#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/registry.h"
#include "testing.h"

namespace nlhf {
namespace {

class Conformance : public ::testing::TestWithParam<std::string> {};

std::vector<ZeroSumGame> Games() {
  Eigen::MatrixXd payoff(2, 3);
  payoff << 0.3, -0.2, 0.5, -0.4, 0.1, 0.0;
  return {testing::SelfPlay(Cyclic3()), testing::SelfPlay(RandomPreferences(7, 3)),
          ZeroSumGame::FromPayoff(payoff)};
}

SolveOptions Options() {
  SolveOptions options = testing::PlainOptions(300, 1e-12);
  options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = 5};
  options.trace_interval = 50;
  return options;
}

TEST_P(Conformance, DefaultParametersValidate) {
  EXPECT_NO_THROW(ResolveParameters(FindAlgorithm(GetParam()), {}));
}

TEST_P(Conformance, ReturnsPoliciesOnTheSimplexWithTheRecomputedGap) {
  for (const ZeroSumGame& game : Games()) {
    const SolveResult result = SolveWith(GetParam(), game, Options());
    ASSERT_NE(result.termination, Termination::kNotRun);
    ASSERT_EQ(static_cast<int>(result.policy.size()), game.num_players());
    for (int p = 0; p < game.num_players(); ++p) {
      EXPECT_EQ(result.policy[p].size(), game.num_actions(p));
      EXPECT_GE(result.policy[p].minCoeff(), 0.0);
      EXPECT_NEAR(result.policy[p].sum(), 1.0, 1e-12);
      EXPECT_LT((result.policy[p] - ToProbabilities(result.log_policy[p])).lpNorm<Eigen::Infinity>(), 1e-15);
    }
    EXPECT_EQ(result.duality_gap, DualityGap(game, result.policy));
    EXPECT_GE(result.duality_gap, -1e-15);
    EXPECT_EQ(result.converged(), result.duality_gap <= 1e-12);
    EXPECT_FALSE(result.message.empty());
    EXPECT_EQ(result.algorithm.substr(0, GetParam().size()), GetParam());
  }
}

TEST_P(Conformance, IsDeterministicForASeed) {
  for (const ZeroSumGame& game : Games()) {
    const SolveResult first = SolveWith(GetParam(), game, Options());
    const SolveResult second = SolveWith(GetParam(), game, Options());
    EXPECT_EQ(first.iterations, second.iterations);
    for (size_t p = 0; p < first.policy.size(); ++p) EXPECT_EQ(first.policy[p], second.policy[p]);
    ASSERT_EQ(first.trace.size(), second.trace.size());
    for (size_t k = 0; k < first.trace.size(); ++k) {
      EXPECT_EQ(first.trace[k].duality_gap, second.trace[k].duality_gap);
    }
  }
}

TEST_P(Conformance, TraceStartsAtZeroAndEndsAtTheLastIteration) {
  const SolveResult result = SolveWith(GetParam(), Games()[1], Options());
  if (result.trace.empty()) return;  // direct (non-iterative) solvers have no trace
  EXPECT_EQ(result.trace.front().iteration, 0);
  EXPECT_EQ(result.trace.back().iteration, result.iterations);
  EXPECT_EQ(result.trace.back().duality_gap, result.duality_gap);
}

TEST_P(Conformance, InvalidOptionsAreRejectedByName) {
  SolveOptions options = Options();
  options.gap_tolerance = -1;
  EXPECT_THROW_WITH(SolveWith(GetParam(), Games()[0], options), InvalidArgument,
                    "gap_tolerance = -1. Violated constraint: gap_tolerance >= 0");
  options = Options();
  options.max_iterations = -5;
  EXPECT_THROW_WITH(SolveWith(GetParam(), Games()[0], options), InvalidArgument, "max_iterations = -5");
}

TEST_P(Conformance, NonFiniteParametersAreRejectedByName) {
  const AlgorithmSpec& algorithm = FindAlgorithm(GetParam());
  for (const ParameterSpec& spec : algorithm.parameters) {
    EXPECT_THROW_WITH(ResolveParameters(algorithm, {{spec.name, std::nan("")}}), InvalidArgument,
                      GetParam() + ": " + spec.name);
  }
}

std::vector<std::string> AlgorithmNames() {
  std::vector<std::string> names;
  for (const auto& algorithm : Algorithms()) names.push_back(algorithm.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, Conformance, ::testing::ValuesIn(AlgorithmNames()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace nlhf
