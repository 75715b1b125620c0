#include "nlhf/experiments/bench.h"

#include <gtest/gtest.h>

#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/solvers/omwu.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(Bench, RandomOperatorHoldsTheGeneratorsGame) {
  const Eigen::MatrixXd a = RandomPreferences(37, 5).array() - 0.5;
  for (Layout layout : {Layout::kDense, Layout::kPacked}) {
    const SkewOperator op = RandomSkewOperator(37, 5, Storage::kF64, layout);
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(37, 0, 1);
    Eigen::VectorXd y(37);
    op.Multiply(x.data(), y.data());
    EXPECT_LT((y - a * x).lpNorm<Eigen::Infinity>(), 1e-14);
  }
}

// The timed iterations are OMWU's: the gap the bench reports is the generic solver's after as many
// iterations, from the uniform policy, with η = 1. Every repetition starts afresh.
TEST(Bench, TimesRealOmwuIterations) {
  for (int n : {10, 40}) {
    BenchOptions options;
    options.n = n;
    options.iterations = 700;
    options.repeats = 3;
    options.seed = 2;
    const BenchResult bench = RunBench(options);
    SolveOptions solve = testing::PlainOptions(700, 0.0);
    OmwuMethod omwu({.step_size = 1.0});
    const SolveResult generic = Solve(testing::SelfPlay(RandomPreferences(n, 2)), omwu, solve, "omwu");
    EXPECT_NEAR(bench.final_gap, generic.duality_gap, 1e-12 + 1e-9 * generic.duality_gap) << "n = " << n;
    EXPECT_LE(bench.fastest_microseconds_per_iteration, bench.microseconds_per_iteration);
    EXPECT_LE(bench.microseconds_per_iteration, bench.slowest_microseconds_per_iteration);
    EXPECT_GT(bench.fastest_microseconds_per_iteration, 0);
    EXPECT_NEAR(bench.ratio_to_floor, bench.microseconds_per_iteration / bench.floor_microseconds, 1e-12);
    EXPECT_EQ(bench.bytes_per_iteration, n * n * 8.0);
  }
}

// Games large enough for a threaded product, run side by side: each product then runs inside the batch's
// parallel region, on fewer threads than it was split for.
TEST(Bench, ThreadedProductsInsideABatch) {
  BenchOptions options;
  options.n = 1800;  // packed f64: 13 MB, split between threads
  options.layout = Layout::kPacked;
  options.iterations = 3;
  options.repeats = 1;
  options.batch = 2;
  const BenchResult bench = RunBench(options);
  OmwuMethod omwu({.step_size = 1.0});
  const SolveResult generic =
      Solve(testing::SelfPlay(RandomPreferences(1800, 0)), omwu, testing::PlainOptions(3, 0.0), "omwu");
  EXPECT_NEAR(bench.final_gap, generic.duality_gap, 1e-12);
}

TEST(Bench, RejectsEmptyRuns) {
  for (auto change : {+[](BenchOptions& o) { o.n = 1; }, +[](BenchOptions& o) { o.iterations = 0; },
                      +[](BenchOptions& o) { o.batch = 0; }, +[](BenchOptions& o) { o.repeats = 0; }}) {
    BenchOptions options;
    options.n = 10;
    change(options);
    EXPECT_THROW(RunBench(options), InvalidArgument);
  }
}

}  // namespace
}  // namespace nlhf
