// OMWU in self-play on a symmetric game, with every O(n) step fused and no allocation per iteration:
// the path `omwu` takes on preference games, and what `nlhf bench` times. Per iteration it reads A once
// (y = Aπ_t, through a SkewOperator in the chosen storage), takes the optimistic step
// log π += η(2y − y_prev) with the running maximum, one exp per action for both the log-sum-exp
// normalizer and π, and the ‖π_t − π_{t−1}‖₁ change. Same update, tests and result as
// Solve(game, OmwuMethod), up to rounding (the product's summation order, π = exp(log π − max)/Σ
// instead of exp(log π − log Z)).
#ifndef NLHF_SOLVERS_FUSED_OMWU_H_
#define NLHF_SOLVERS_FUSED_OMWU_H_

#include <memory>

#include "nlhf/kernels/skew_operator.h"
#include "nlhf/solver.h"

namespace nlhf {
namespace internal {
class SmallOmwu;
}

// The iterate and the payoff vectors of fused OMWU over one operator. Games with at most kSmall
// responses, in any storage, run on fixed-size padded arrays held in registers (src/solvers/small_omwu.h:
// an AVX-512 step specialized to n where the processor has AVX-512, else a portable one); larger ones on
// the operator's kernels.
class FusedOmwu {
 public:
  static constexpr int kSmall = 16;
  // The small path skips the max-shift before exp, which is safe while η·1.5 stays far from exp's range.
  static constexpr double kMaxSmallStep = 100;

  // Starts at `log_policy` (normalized) and computes its payoffs y_0 = Aπ_0 (g_{−1} = g_0).
  FusedOmwu(const SkewOperator& payoff, double step_size, const Eigen::VectorXd& log_policy);
  ~FusedOmwu();

  // One OMWU update followed by the product for the new iterate.
  void Step();

  const Eigen::VectorXd& log_policy() const;
  const Eigen::VectorXd& policy() const;
  double gap() const { return gap_; }                // 2·max_a (Aπ_t)_a
  double min_log_probability() const;
  double l1_change() const;  // ‖π_t − π_{t−1}‖₁
  bool finite() const { return finite_; }

 private:

  const SkewOperator& payoff_;
  double step_size_;
  std::unique_ptr<internal::SmallOmwu> small_;  // games with n <= kSmall
  mutable Eigen::VectorXd log_policy_, policy_;  // for small games, copied out when asked for
  Eigen::VectorXd payoffs_, previous_payoffs_, unnormalized_;
  double gap_ = 0, min_log_ = 0, l1_change_ = 0;
  bool finite_ = true;
};

// `game` must be symmetric; it supplies the initial policy, polishing and, for f32 storage, the
// certificate in the original game, while the iterations read `payoff` (an operator for the same A).
SolveResult SolveOmwuFused(const ZeroSumGame& game, const SkewOperator& payoff, double step_size,
                           const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_FUSED_OMWU_H_
