#include "nlhf/kernels/skew_operator.h"

#include "nlhf/generators.h"
#include "nlhf/random.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/fused_omwu.h"
#include "nlhf/solvers/omwu.h"
#include "testing.h"

namespace nlhf {
namespace {

Eigen::VectorXd RandomVector(int n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = rng.Uniform(-1, 1);
  return x;
}

// Packed and dense kernels against Eigen's product on random skew matrices, across the sizes where the
// kernels switch to threads (12 MiB of A: dense f64 from n = 1254, dense f32 and packed f64 from 1774,
// packed f32 from 2508).
TEST(SkewOperator, EveryStorageAndLayoutMatchesTheDenseProduct) {
  for (int n : {1, 2, 7, 33, 64, 100, 513, 1300, 1800, 2600}) {
    const Eigen::MatrixXd a = (RandomPreferences(n, n).array() - 0.5).matrix();
    const Eigen::VectorXd x = RandomVector(n, 7);
    const Eigen::VectorXd expected = a * x;
    for (Layout layout : {Layout::kDense, Layout::kPacked}) {
      Eigen::VectorXd y(n);
      SkewOperator(a, Storage::kF64, layout).Multiply(x.data(), y.data());
      EXPECT_LT((y - expected).lpNorm<Eigen::Infinity>(), 1e-12) << "n = " << n << " " << LayoutName(layout);
      SkewOperator(a, Storage::kF32, layout).Multiply(x.data(), y.data());
      // float32 entries carry a relative error of 2^-24 each.
      EXPECT_LT((y - expected).lpNorm<Eigen::Infinity>(), 1e-7 * n) << "n = " << n << " f32 " << LayoutName(layout);
    }
  }
}

TEST(SkewOperator, BytesHalveWhenPacked) {
  const Eigen::MatrixXd a = (RandomPreferences(100, 1).array() - 0.5).matrix();
  EXPECT_EQ(SkewOperator(a, Storage::kF64, Layout::kDense).bytes(), 100u * 100 * 8);
  EXPECT_EQ(SkewOperator(a, Storage::kF64, Layout::kPacked).bytes(), 100u * 99 / 2 * 8);
  EXPECT_EQ(SkewOperator(a, Storage::kF32, Layout::kPacked).bytes(), 100u * 99 / 2 * 4);
}

TEST(SkewOperator, BuildsFromTheUpperTriangleWithoutADenseMatrix) {
  const Eigen::MatrixXd a = (RandomPreferences(40, 3).array() - 0.5).matrix();
  const SkewOperator op =
      SkewOperator::FromUpperTriangle(40, Storage::kF64, Layout::kPacked, [&](int i, int j) { return a(i, j); });
  const Eigen::VectorXd x = RandomVector(40, 1);
  Eigen::VectorXd y(40);
  op.Multiply(x.data(), y.data());
  EXPECT_LT((y - a * x).lpNorm<Eigen::Infinity>(), 1e-14);
}

// The fused kernels and the generic method run through the same driver (RunIterations), so on one game
// they give the same trace, up to rounding: the small path (n <= FusedOmwu::kSmall, registers) and the
// operator path (every layout).
TEST(FusedOmwu, FollowsTheSameIteratesAsTheGenericMethod) {
  for (int n : {8, 30}) {
    const ZeroSumGame game = testing::SelfPlay(RandomPreferences(n, 5));
    SolveOptions options = testing::PlainOptions(3000, 0.0);
    options.trace_interval = 100;
    OmwuMethod method({.step_size = 1.0});
    const SolveResult generic = Solve(game, method, options, "omwu");
    for (Layout layout : {Layout::kDense, Layout::kPacked}) {
      const SolveResult fused = SolveOmwuFused(game, SkewOperator(game.payoff(), Storage::kF64, layout), 1.0, options);
      EXPECT_EQ(fused.iterations, generic.iterations);
      EXPECT_LT((fused.log_policy[0] - generic.log_policy[0]).lpNorm<Eigen::Infinity>(), 1e-9) << "n = " << n;
      ASSERT_EQ(fused.trace.size(), generic.trace.size());
      for (size_t k = 0; k < fused.trace.size(); ++k) {
        EXPECT_EQ(fused.trace[k].iteration, generic.trace[k].iteration);
        EXPECT_NEAR(fused.trace[k].duality_gap, generic.trace[k].duality_gap, 1e-12 + 1e-9 * generic.trace[k].duality_gap)
            << "n = " << n << ", iteration " << fused.trace[k].iteration;
        EXPECT_NEAR(fused.trace[k].l1_change, generic.trace[k].l1_change, 1e-12 + 1e-9 * generic.trace[k].l1_change);
      }
    }
  }
}

// A dense game's solve reads a small game's entries straight from its payoff (no operator built) and a
// larger one's through an operator it builds: both give, bit for bit, what the same operator gives when
// handed in, in every storage and layout (f32: the entries rounded as the operator rounds them).
TEST(FusedOmwu, ADenseGameSolvesAsThroughItsOperator) {
  for (int n : {3, 16, 17}) {
    const ZeroSumGame game = testing::SelfPlay(RandomPreferences(n, 11));
    for (Storage storage : {Storage::kF64, Storage::kF32}) {
      for (Layout layout : {Layout::kDense, Layout::kPacked}) {
        SolveOptions options = testing::PlainOptions(500, 0.0);
        options.storage = storage;
        options.layout = layout;
        const SolveResult direct = SolveOmwuFused(game, 1.0, options);
        const SolveResult through = SolveOmwuFused(game, SkewOperator(game.payoff(), storage, layout), 1.0, options);
        EXPECT_EQ(direct.iterations, through.iterations);
        EXPECT_TRUE(direct.log_policy[0] == through.log_policy[0]) << "n = " << n << ", " << StorageName(storage);
        EXPECT_EQ(direct.duality_gap, through.duality_gap);
      }
    }
  }
}

// The engine's ground truth in every storage: cyclic3's closed form and the soccer support.
TEST(FusedOmwu, GroundTruthHoldsForEveryStorageAndLayout) {
  for (Storage storage : {Storage::kF64, Storage::kF32}) {
    for (Layout layout : {Layout::kDense, Layout::kPacked}) {
      SolveOptions options = testing::PlainOptions(200000, storage == Storage::kF64 ? 1e-9 : 1e-7);
      options.storage = storage;
      options.layout = layout;
      const SolveResult cyclic = SolveWith("omwu", testing::SelfPlay(Cyclic3()), options);
      EXPECT_TRUE(cyclic.converged()) << StorageName(storage) << " " << LayoutName(layout) << cyclic.BriefReport();
      EXPECT_LT((cyclic.policy[0] - Eigen::Vector3d(4, 3, 4) / 11).lpNorm<1>(), storage == Storage::kF64 ? 1e-6 : 1e-5);
      const SolveResult soccer = SolveWith("omwu", testing::SoccerGame(), options);
      EXPECT_TRUE(soccer.converged()) << soccer.BriefReport();
      // At gap 1e-7 agent 4 (margin 0.0016) still holds ~1e-5; the support shows above 1e-3.
      EXPECT_EQ(Support(soccer.policy[0], 1e-3), (std::vector<int>{1, 8, 9}));
    }
  }
}

TEST(FusedOmwu, Float32StorageCannotCertifyBelowItsRounding) {
  // The soccer entries have 8 significant digits; stored as float32 the game moves by ~1e-8, so a 1e-12
  // tolerance reached on the stored game is not a 1e-12 certificate in the original one.
  SolveOptions options = testing::PlainOptions(100000, 1e-12);
  options.storage = Storage::kF32;
  const SolveResult result = SolveWith("omwu", testing::SoccerGame(), options);
  if (result.termination == Termination::kNumericalFailure) {
    EXPECT_THAT(result.message, ::testing::HasSubstr("below what this computation can certify"));
  } else {
    EXPECT_LE(result.duality_gap, 1e-12);  // or the certificate genuinely holds
  }
  EXPECT_LT(result.duality_gap, 1e-7);
}

}  // namespace
}  // namespace nlhf
