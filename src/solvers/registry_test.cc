#include "nlhf/registry.h"

#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(Registry, ListsTheEngineAlgorithms) {
  for (const char* name : {"omwu", "mwu", "mwu-avg", "lp"}) EXPECT_EQ(FindAlgorithm(name).name, name);
}

TEST(Registry, UnknownAlgorithmListsTheKnownOnes) {
  EXPECT_THROW_WITH(FindAlgorithm("omw"), InvalidArgument, "unknown algorithm 'omw'", "omwu, mwu");
}

TEST(Registry, ParametersAreCompletedWithDefaultsAndChecked) {
  const AlgorithmSpec& omwu = FindAlgorithm("omwu");
  EXPECT_EQ(ResolveParameters(omwu, {}).at("eta"), 1.0);
  EXPECT_EQ(ResolveParameters(omwu, {{"eta", 0.5}}).at("eta"), 0.5);
  EXPECT_THROW_WITH(ResolveParameters(omwu, {{"eta", -1}}), InvalidArgument,
                    "omwu: eta = -1. Violated constraint: eta > 0");
  EXPECT_THROW_WITH(ResolveParameters(omwu, {{"beta", 1}}), InvalidArgument, "omwu has no parameter 'beta'");
  EXPECT_THROW_WITH(ResolveParameters(FindAlgorithm("lp"), {{"eta", 1}}), InvalidArgument,
                    "lp has no parameter 'eta'", "none");
}

// The step size is `eta` everywhere; its old name `step_size` is still read as eta, never both at once.
TEST(Registry, TheOldNameOfEtaIsStillRead) {
  const AlgorithmSpec& omwu = FindAlgorithm("omwu");
  EXPECT_EQ(DeprecatedParameterName("step_size"), "eta");
  EXPECT_EQ(DeprecatedParameterName("eta"), "");
  EXPECT_EQ(ResolveParameters(omwu, {{"step_size", 0.5}}).at("eta"), 0.5);
  EXPECT_THROW_WITH(ResolveParameters(omwu, {{"step_size", 0.5}, {"eta", 1}}), InvalidArgument,
                    "both 'step_size' and 'eta' are given");
  const SolveResult old_name = SolveWith("omwu", testing::SelfPlay(Cyclic3()), testing::PlainOptions(10), {{"step_size", 0.25}});
  EXPECT_EQ(old_name.algorithm, "omwu(eta=0.25)");
}

TEST(Registry, SpecStringIsReplayable) {
  const AlgorithmSpec& omwu = FindAlgorithm("omwu");
  EXPECT_EQ(SpecString(omwu, ResolveParameters(omwu, {{"eta", 0.25}})), "omwu(eta=0.25)");
  const SolveResult result = SolveWith("omwu", testing::SelfPlay(Cyclic3()), testing::PlainOptions(10),
                                       {{"eta", 0.25}});
  EXPECT_EQ(result.algorithm, "omwu(eta=0.25)");
}

// The default by size: OMWU on small games, the interior point method while the smaller player's size
// keeps its factorizations cheap (a long, thin payoff game included), PDHG beyond; OMWU whenever a step
// size is given.
TEST(Registry, DefaultAlgorithmFollowsTheSizes) {
  const auto square = [](int n) { return ZeroSumGame::FromPayoff(Eigen::MatrixXd::Zero(n, n)); };
  EXPECT_EQ(DefaultAlgorithm(square(kDefaultInteriorPointActions - 1)).name, "omwu");
  EXPECT_EQ(DefaultAlgorithm(square(kDefaultInteriorPointActions)).name, "ipm");
  EXPECT_EQ(DefaultAlgorithm(square(kDefaultPdhgActions - 1)).name, "ipm");
  EXPECT_EQ(DefaultAlgorithm(square(kDefaultPdhgActions)).name, "pdhg");
  EXPECT_EQ(DefaultAlgorithm(ZeroSumGame::FromPayoff(Eigen::MatrixXd::Zero(150, 3 * kDefaultPdhgActions))).name, "ipm");
  EXPECT_EQ(DefaultAlgorithm(square(kDefaultPdhgActions), true).name, "omwu");
  EXPECT_NE(DefaultAlgorithm(square(kDefaultPdhgActions)).Describe().find("--algo omwu"), std::string::npos);
}

}  // namespace
}  // namespace nlhf
