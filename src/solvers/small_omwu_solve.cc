#include "solvers/small_omwu_solve.h"

namespace nlhf::internal {
namespace {

// The entries an operator would hold (the skew part of the payoff, rounded to the storage), without building
// one: a batch of small games spent more on building operators than on their iterations.
Eigen::MatrixXd SkewPart(const Eigen::MatrixXd& a, Storage storage) {
  const int n = static_cast<int>(a.rows());
  Eigen::MatrixXd skew = Eigen::MatrixXd::Zero(n, n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < j; ++i) {
      double value = 0.5 * (a(i, j) - a(j, i));
      if (storage == Storage::kF32) value = static_cast<float>(value);
      skew(i, j) = value;
      skew(j, i) = -value;
    }
  }
  return skew;
}

}  // namespace

bool SmallOmwuSolve::Applies(const ZeroSumGame& game, double step_size) {
  return game.symmetric() && game.skew_operator() == nullptr && FusedOmwu::RunsSmall(game.num_actions(0), step_size);
}

SmallOmwuSolve::SmallOmwuSolve(const ZeroSumGame& game, double step_size, const SolveOptions& options)
    : options_(options),
      rules_(options),
      omwu_(SkewPart(game.payoff(), options.storage), step_size, InitialLogPolicies(game, options.initial)[0]),
      iterate_(omwu_),
      loop_(game, iterate_, options, rules_) {}

}  // namespace nlhf::internal
