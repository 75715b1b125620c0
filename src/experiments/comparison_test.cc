#include "nlhf/experiments/comparison.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/experiments/reproduce.h"
#include "nlhf/generators.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(Comparison, OmwuEndsBelowEveryRegularizedMethodOnSoccer) {
  const ZeroSumGame game = testing::SoccerGame();
  ComparisonOptions options;
  options.algorithms = {"omwu", "nash-md", "online-ipo", "mmd", "mwu-avg", "lp"};
  options.iterations = 15000;
  const auto methods = RunComparison([&](int) { return game; }, options);
  ASSERT_EQ(methods.size(), 6u);
  EXPECT_LT(methods[0].final_gap, 1e-9);
  for (size_t k = 1; k < 4; ++k) {
    EXPECT_LT(methods[0].final_gap, methods[k].final_gap) << methods[k].name;
    EXPECT_GT(methods[k].final_gap, 1e-2) << "regularization bias of " << methods[k].name;
    EXPECT_FALSE(std::isnan(methods[k].final_regularized_gap));
  }
  // OMWU measured on soccer at η = 1: 9,436 iterations to 1e-9 (docs/solver-options.md).
  ASSERT_TRUE(methods[0].iterations_to.at(1e-9).has_value());
  EXPECT_EQ(*methods[0].iterations_to.at(1e-9), 9436);
  EXPECT_FALSE(methods[1].iterations_to.at(1e-3).has_value());
  EXPECT_EQ(*methods[5].iterations_to.at(1e-9), 0) << "the LP is exact from the start";
}

TEST(Comparison, MediansAndCurvesOverSeeds) {
  ComparisonOptions options;
  options.algorithms = {"omwu"};
  options.iterations = 3000;
  options.seeds = 3;
  options.trace_interval = 100;
  const auto methods = RunComparison([](int seed) { return testing::SelfPlay(RandomPreferences(6, seed)); }, options);
  const MethodSummary& omwu = methods[0];
  ASSERT_EQ(omwu.runs.size(), 3u);
  std::vector<double> finals;
  for (const auto& run : omwu.runs) finals.push_back(run.duality_gap);
  std::sort(finals.begin(), finals.end());
  EXPECT_EQ(omwu.final_gap, finals[1]);
  ASSERT_EQ(omwu.curve.iterations.size(), 31u);
  for (size_t k = 0; k < omwu.curve.iterations.size(); ++k) {
    EXPECT_LE(omwu.curve.minimum[k], omwu.curve.median[k]);
    EXPECT_LE(omwu.curve.median[k], omwu.curve.maximum[k]);
  }
  EXPECT_EQ(omwu.curve.median.back(), omwu.final_gap);
}

TEST(Comparison, IterationsToALevelAreExactNotTraceGranular) {
  ComparisonOptions options;
  options.algorithms = {"omwu"};
  options.iterations = 12000;
  options.trace_interval = 1000;
  const auto methods = RunComparison([](int) { return testing::SoccerGame(); }, options);
  EXPECT_EQ(*methods[0].iterations_to.at(1e-9), 9436);
}

TEST(Comparison, CommonParametersApplyWhereTheyExistAndBadOnesFailFirst) {
  ComparisonOptions options;
  options.algorithms = {"omwu", "mmd"};
  options.iterations = 10;
  options.common_parameters = {{"beta", 0.2}};
  const auto methods = RunComparison([](int) { return testing::SelfPlay(Cyclic3()); }, options);
  EXPECT_EQ(methods[0].spec, "omwu(eta=1)");
  EXPECT_EQ(methods[1].spec, "mmd(eta=1,beta=0.2)");
  options.parameters["nash-md"] = {{"beta", 0.1}};
  EXPECT_THROW_WITH(RunComparison([](int) { return testing::SelfPlay(Cyclic3()); }, options), InvalidArgument,
                    "'nash-md', which is not being compared");
  options.parameters.clear();
  options.parameters["mmd"] = {{"beta", -1}};
  EXPECT_THROW_WITH(RunComparison([](int) { return testing::SelfPlay(Cyclic3()); }, options), InvalidArgument,
                    "mmd: beta = -1");
}

TEST(Comparison, SummaryJsonHasTheDocumentedShape) {
  ComparisonOptions options;
  options.algorithms = {"omwu", "nash-md"};
  options.iterations = 100;
  const auto methods = RunComparison([](int) { return testing::SelfPlay(Cyclic3()); }, options);
  const nlohmann::json summary = nlohmann::json::parse(ComparisonSummaryJson(methods, options));
  ASSERT_EQ(summary["methods"].size(), 2u);
  const auto& first = summary["methods"][0];
  for (const char* key : {"name", "final_gap", "best_gap", "iterations_to", "seconds"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  EXPECT_TRUE(first["iterations_to"].contains("1e-3"));
  EXPECT_TRUE(first["iterations_to"].contains("1e-9"));
  EXPECT_TRUE(summary["methods"][1]["iterations_to"]["1e-9"].is_null());
}

}  // namespace
}  // namespace nlhf

namespace nlhf {
namespace {

// A rate only where the curve is linear on a semi-log plot: exactly 0.99 for gap = 0.99^t; none for a
// power law (MWU's average iterate, 1/√t), which a log–log line fits better, and none for a plateau.
TEST(FittedLinearRate, OnlyWhereTheCurveIsLinear) {
  std::vector<std::int64_t> t;
  std::vector<double> linear, power, plateau;
  for (std::int64_t k = 1; k <= 4000; k += 10) {
    t.push_back(k);
    linear.push_back(1e-3 * std::pow(0.99, static_cast<double>(k)));
    power.push_back(1e-3 / std::sqrt(static_cast<double>(k)));
    plateau.push_back(1e-4 * (1 + 1e-3 * std::sin(static_cast<double>(k))));
  }
  EXPECT_NEAR(FittedLinearRate(t, linear), 0.99, 1e-12);
  EXPECT_TRUE(std::isnan(FittedLinearRate(t, power)));
  EXPECT_TRUE(std::isnan(FittedLinearRate(t, plateau)));
}

}  // namespace
}  // namespace nlhf
