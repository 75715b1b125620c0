// Games held only as their skew operator (ZeroSumGame::FromSkewOperator): the iterative methods and the
// certificate run on products and give what the same game held densely gives; what needs the dense
// matrix is refused by name.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/kernels/skew_operator.h"
#include "nlhf/metrics.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/exact_lp.h"
#include "testing.h"

namespace nlhf {
namespace {

using testing::PlainOptions;
using testing::SelfPlay;

ZeroSumGame HeldAsOperator(const ZeroSumGame& dense, Storage storage, Layout layout) {
  return ZeroSumGame::FromSkewOperator(std::make_shared<const SkewOperator>(dense.payoff(), storage, layout));
}

TEST(OperatorGame, PayoffsAndCertificateAreTheDenseGames) {
  const ZeroSumGame dense = SelfPlay(RandomPreferences(40, 3));
  const ZeroSumGame held = HeldAsOperator(dense, Storage::kF64, Layout::kPacked);
  ASSERT_TRUE(held.symmetric());
  EXPECT_FALSE(held.has_dense_payoff());
  EXPECT_EQ(held.num_actions(0), 40);
  EXPECT_EQ(held.action_names(0).size(), 40u);
  EXPECT_DOUBLE_EQ(held.payoff_scale(), dense.payoff().cwiseAbs().maxCoeff());
  const Eigen::VectorXd weights = Eigen::VectorXd::LinSpaced(40, 1.0, 3.0);
  const Eigen::VectorXd pi = weights / weights.sum();
  // Equal up to the packed kernel's summation order.
  EXPECT_LT((held.Payoffs({pi})[0] - dense.payoff() * pi).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_NEAR(DualityGap(held, {pi}), DualityGap(dense, {pi}), 1e-15);
  EXPECT_THROW(held.payoff(), std::logic_error);
}

// PDHG on the operator alone reaches the LP's equilibrium, certified by a gap recomputed on the dense
// matrix; in f32 storage the certificate is that of the f32-rounded game, within rounding of the original.
TEST(OperatorGame, PdhgCertifiesWithoutTheDenseMatrix) {
  const ZeroSumGame dense = SelfPlay(RandomPreferences(80, 5));
  const SolveResult lp = SolveWith("lp", dense, PlainOptions(0));
  for (Storage storage : {Storage::kF64, Storage::kF32}) {
    const ZeroSumGame held = HeldAsOperator(dense, storage, Layout::kPacked);
    SolveOptions options = PlainOptions(200000, 1e-9);
    options.polish = true;  // skipped: it needs the dense matrix
    const SolveResult result = SolveWith("pdhg", held, options);
    ASSERT_TRUE(result.converged()) << result.BriefReport();
    EXPECT_FALSE(result.polished);
    EXPECT_LE(result.duality_gap, 1e-9);
    EXPECT_NEAR(result.duality_gap, DualityGap(held, result.policy), 1e-15);
    // f32 entries differ from the original by at most 2^-24·1/2, so the original game's gap by twice that.
    const double rounding = storage == Storage::kF32 ? 2 * 0.5 * 0x1p-24 : 1e-15;
    EXPECT_LE(DualityGap(dense, result.policy), 1e-9 + rounding);
    EXPECT_LT((result.policy[0] - lp.policy[0]).lpNorm<1>(), storage == Storage::kF32 ? 1e-3 : 1e-5);
  }
}

// The fused OMWU path and the generic driver (mwu) read the game's own operator: the same iterates as
// the dense game in the same storage.
TEST(OperatorGame, IterativeMethodsMatchTheDenseGame) {
  const ZeroSumGame dense = SelfPlay(RandomPreferences(30, 9));
  const ZeroSumGame held = HeldAsOperator(dense, Storage::kF64, Layout::kDense);
  for (const char* algorithm : {"omwu", "mwu"}) {
    SolveOptions options = PlainOptions(500, 0);
    options.layout = Layout::kDense;
    const SolveResult a = SolveWith(algorithm, dense, options);
    const SolveResult b = SolveWith(algorithm, held, options);
    EXPECT_EQ(a.iterations, b.iterations) << algorithm;
    EXPECT_LT((a.policy[0] - b.policy[0]).cwiseAbs().maxCoeff(), 1e-12) << algorithm;
    EXPECT_NEAR(a.duality_gap, b.duality_gap, 1e-12) << algorithm;
  }
}

TEST(OperatorGame, SolversThatNeedTheMatrixAreRefusedByName) {
  const ZeroSumGame held = HeldAsOperator(SelfPlay(RandomPreferences(12, 1)), Storage::kF32, Layout::kPacked);
  for (const char* algorithm : {"lp", "clp", "clp-barrier", "ipm"}) {
    try {
      SolveWith(algorithm, held, PlainOptions(10));
      ADD_FAILURE() << algorithm << " ran on an operator-only game";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(std::string(algorithm) + " needs the dense payoff matrix"),
                std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("packed f32"), std::string::npos) << error.what();
    }
  }
  // Even where OMWU or the interior point method would be chosen for a dense game of its size.
  EXPECT_EQ(DefaultAlgorithm(held, false).name, "pdhg");
}

}  // namespace
}  // namespace nlhf
