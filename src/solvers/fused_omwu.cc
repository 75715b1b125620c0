#include "nlhf/solvers/fused_omwu.h"

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/kernels/skew_operator.h"
#include "solvers/fused_omwu_iterate.h"
#include "solvers/iterate.h"
#include "solvers/small_omwu.h"
#include "solvers/small_omwu_solve.h"

namespace nlhf {

static_assert(FusedOmwu::kSmall == internal::kSmallOmwuMaxActions);

namespace {

// Fused OMWU on the operator's kernels: one product y = Aπ per iteration over A in its storage, and the
// O(n) steps as whole-array expressions, with no allocation after construction.
class OperatorOmwu final : public FusedOmwu {
 public:
  OperatorOmwu(const SkewPayoffOperator& payoff, double step_size, const Eigen::VectorXd& log_policy)
      : payoff_(payoff), step_size_(step_size), log_policy_(log_policy), policy_(ToProbabilities(log_policy)),
        payoffs_(payoff.n()), unnormalized_(payoff.n()), min_log_(log_policy.minCoeff()) {
    payoff_.Multiply(policy_.data(), payoffs_.data());
    previous_payoffs_ = payoffs_;
    gap_ = 2 * payoffs_.maxCoeff();
  }

  void Step() override {
    // The optimistic step and the maximum for log-sum-exp, as whole-array expressions that Eigen
    // vectorizes, its exp included (a polynomial exp accurate to about an ulp: n calls to std::exp were
    // most of an iteration at n = 10).
    log_policy_.array() += step_size_ * (2.0 * payoffs_.array() - previous_payoffs_.array());
    const double maximum = log_policy_.maxCoeff();
    // exp(log π − max) serves twice, for the normalizer and for π itself: one exp per action.
    unnormalized_.array() = (log_policy_.array() - maximum).exp();
    const double total = unnormalized_.sum();
    const double log_normalizer = maximum + std::log(total);
    log_policy_.array() -= log_normalizer;
    unnormalized_ /= total;
    l1_change_ = (unnormalized_ - policy_).lpNorm<1>();
    policy_.swap(unnormalized_);
    min_log_ = log_policy_.minCoeff();
    finite_ = std::isfinite(log_normalizer);
    payoffs_.swap(previous_payoffs_);
    payoff_.Multiply(policy_.data(), payoffs_.data());
    gap_ = 2 * payoffs_.maxCoeff();
  }

  Eigen::VectorXd log_policy() const override { return log_policy_; }
  Eigen::VectorXd policy() const override { return policy_; }
  double gap() const override { return gap_; }
  double min_log_probability() const override { return min_log_; }
  double l1_change() const override { return l1_change_; }
  bool finite() const override { return finite_; }

 private:
  const SkewPayoffOperator& payoff_;
  double step_size_;
  Eigen::VectorXd log_policy_, policy_, payoffs_, previous_payoffs_, unnormalized_;
  double gap_ = 0, min_log_ = 0, l1_change_ = 0;
  bool finite_ = true;
};

}  // namespace

std::int64_t FusedOmwu::StepWhileAbove(std::int64_t count, double gap_tolerance) {
  for (std::int64_t done = 1; done <= count; ++done) {
    Step();
    if (!internal::KeepsIterating(gap(), finite(), gap_tolerance)) return done;
  }
  return count;
}

std::unique_ptr<FusedOmwu> FusedOmwu::Create(const SkewPayoffOperator& payoff, double step_size,
                                             const Eigen::VectorXd& log_policy) {
  const int n = payoff.n();
  if (!RunsSmall(n, step_size)) return std::make_unique<OperatorOmwu>(payoff, step_size, log_policy);
  // The columns of A, read through the operator itself (A e_j), so every layout and storage gives the
  // same game: f32 entries are exact in double, so the small path computes what the f32 kernels do
  // (f32 storage, double arithmetic); at this size the matrix lives in registers whatever its storage.
  Eigen::MatrixXd a(n, n);
  Eigen::VectorXd unit = Eigen::VectorXd::Zero(n);
  for (int j = 0; j < n; ++j) {
    unit[j] = 1;
    payoff.Multiply(unit.data(), a.col(j).data());
    unit[j] = 0;
  }
  return std::make_unique<internal::SmallOmwu>(a, step_size, log_policy);
}

SolveResult SolveOmwuFused(const ZeroSumGame& game, const SkewPayoffOperator& payoff, double step_size,
                           const SolveOptions& options) {
  if (!game.symmetric() || payoff.n() != game.num_actions(0)) {
    throw InvalidArgument("fused OMWU needs a symmetric game and a payoff operator of the same size");
  }
  const internal::StoppingRules rules(options);
  const std::unique_ptr<FusedOmwu> omwu = FusedOmwu::Create(payoff, step_size, InitialLogPolicies(game, options.initial)[0]);
  internal::FusedOmwuIterate iterate(*omwu);
  return internal::RunIterations(game, iterate, options, rules);
}

SolveResult SolveOmwuFused(const ZeroSumGame& game, double step_size, const SolveOptions& options) {
  if (const SkewPayoffOperator* payoff = game.skew_operator()) return SolveOmwuFused(game, *payoff, step_size, options);
  if (!game.symmetric()) throw InvalidArgument("fused OMWU needs a symmetric game");
  if (internal::SmallOmwuSolve::Applies(game, step_size)) {
    // A small game's state lives on the stack: in a batch of small games a heap allocation (an aligned one)
    // per game cost more than the iterations.
    internal::SmallOmwuSolve solve(game, step_size, options);
    while (const std::int64_t stretch = solve.NextStretch()) solve.Advance(stretch);
    return solve.Finish();
  }
  const internal::StoppingRules rules(options);
  const SkewOperator payoff(game.payoff(), options.storage, options.layout.value_or(DefaultLayout(game.num_actions(0))));
  const std::unique_ptr<FusedOmwu> omwu = FusedOmwu::Create(payoff, step_size, InitialLogPolicies(game, options.initial)[0]);
  internal::FusedOmwuIterate iterate(*omwu);
  return internal::RunIterations(game, iterate, options, rules);
}

}  // namespace nlhf
