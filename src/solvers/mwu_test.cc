#include "nlhf/solvers/mwu.h"

#include "nlhf/generators.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

TEST(Mwu, OneStepIsTheHandComputedMultiplicativeUpdate) {
  const ZeroSumGame game = SelfPlay(Cyclic3());
  const Eigen::Vector3d pi0(0.5, 0.3, 0.2);
  const double eta = 0.4;
  const Eigen::Vector3d g = game.payoff() * pi0;
  Eigen::Vector3d expected;
  for (int a = 0; a < 3; ++a) expected[a] = pi0[a] * std::exp(eta * g[a]);
  expected /= expected.sum();
  MwuMethod method({.step_size = eta});
  method.Reset(game, {pi0.array().log().matrix()});
  method.Step(game, {g});
  EXPECT_LT((ToProbabilities(method.CurrentLogPolicy()[0]) - expected).norm(), 1e-15);
}

TEST(Mwu, AverageIsTheMeanOfTheIteratesIncludingTheStart) {
  const ZeroSumGame game = SelfPlay(Cyclic3());
  const Eigen::Vector3d pi0(0.5, 0.3, 0.2);
  MwuMethod method({.step_size = 0.4, .return_average = true});
  method.Reset(game, {pi0.array().log().matrix()});
  Eigen::Vector3d sum = pi0;
  for (int t = 0; t < 5; ++t) {
    const Eigen::VectorXd current = ToProbabilities(method.CurrentLogPolicy()[0]);
    method.Step(game, {game.payoff() * current});
    sum += ToProbabilities(method.CurrentLogPolicy()[0]);
  }
  EXPECT_LT((ToProbabilities(method.ReturnedLogPolicy()[0]) - sum / 6).norm(), 1e-14);
}

// On rock–paper–scissors MWU's last iterate cycles away from the uniform NE while the average converges.
TEST(Mwu, OnRockPaperScissorsTheAverageConvergesAndTheLastIterateDoesNot) {
  const ZeroSumGame game = SelfPlay(RockPaperScissors());
  SolveOptions options = PlainOptions(20000, 0.0);
  options.initial = {.kind = InitialPolicy::Kind::kGiven,
                     .log_policy = {Eigen::Vector3d(0.5, 0.3, 0.2).array().log().matrix()}};
  options.trace_interval = 1000;

  MwuMethod last({.step_size = 0.1});
  const SolveResult last_result = Solve(game, last, options, "mwu");
  MwuMethod average({.step_size = 0.1, .return_average = true});
  const SolveResult average_result = Solve(game, average, options, "mwu-avg");

  // The last iterate never gets close: its gap in the second half stays large.
  for (const TraceRecord& record : last_result.trace) {
    if (record.iteration >= 10000) {
      EXPECT_GT(record.duality_gap, 0.2) << "at " << record.iteration;
    }
  }
  // The average does, and keeps improving.
  EXPECT_LT(average_result.duality_gap, 0.02);
  double gap_at_2000 = 0;
  for (const TraceRecord& record : average_result.trace) {
    if (record.iteration == 2000) gap_at_2000 = record.duality_gap;
  }
  EXPECT_LT(average_result.duality_gap, gap_at_2000);
  EXPECT_TRUE(average_result.returns_average);
}

}  // namespace
}  // namespace nlhf
