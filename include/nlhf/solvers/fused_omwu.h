// OMWU in self-play on a symmetric game, with every O(n) step fused and no allocation per iteration:
// the path `omwu` takes on preference games, and what `nlhf bench` times. Per iteration it reads A once
// (y = Aπ_t, through a SkewOperator in the chosen storage), takes the optimistic step
// log π += η(2y − y_prev) with the running maximum, one exp per action for both the log-sum-exp
// normalizer and π, and the ‖π_t − π_{t−1}‖₁ change. Same update, tests and result as
// Solve(game, OmwuMethod), up to rounding (the product's summation order, π = exp(log π − max)/Σ
// instead of exp(log π − log Z)).
#ifndef NLHF_SOLVERS_FUSED_OMWU_H_
#define NLHF_SOLVERS_FUSED_OMWU_H_

#include <cstdint>
#include <memory>

#include "nlhf/kernels/skew_operator.h"
#include "nlhf/solver.h"

namespace nlhf {

// The iterate and the payoff vectors of fused OMWU over one operator. Create picks the implementation:
// games with at most kSmall responses, in any storage, run on fixed-size padded arrays held in registers
// (src/solvers/small_omwu.h: an AVX-512 step specialized to n where the processor has AVX-512, else a
// portable one); larger ones on the operator's kernels (src/solvers/fused_omwu.cc).
class FusedOmwu {
 public:
  static constexpr int kSmall = 16;
  // The small path skips the max-shift before exp, which is safe while η·1.5 stays far from exp's range.
  static constexpr double kMaxSmallStep = 100;
  // Whether a game of n responses at this step size takes the small path.
  static bool RunsSmall(int n, double step_size) { return n <= kSmall && step_size <= kMaxSmallStep; }

  // Starts at `log_policy` (normalized) and computes its payoffs y_0 = Aπ_0 (g_{−1} = g_0). `payoff`
  // must outlive the result.
  static std::unique_ptr<FusedOmwu> Create(const SkewPayoffOperator& payoff, double step_size,
                                           const Eigen::VectorXd& log_policy);
  virtual ~FusedOmwu() = default;

  // One OMWU update followed by the product for the new iterate.
  virtual void Step() = 0;
  // Up to `count` updates, ending after the first whose gap() is not above `gap_tolerance` or not finite (or
  // finite() false); returns the updates made. The solve loop's stretches between its other checks.
  virtual std::int64_t StepWhileAbove(std::int64_t count, double gap_tolerance);

  virtual Eigen::VectorXd log_policy() const = 0;
  virtual Eigen::VectorXd policy() const = 0;
  virtual double gap() const = 0;  // 2·max_a (Aπ_t)_a
  virtual double min_log_probability() const = 0;
  virtual double l1_change() const = 0;  // ‖π_t − π_{t−1}‖₁
  virtual bool finite() const = 0;
};

// `game` must be symmetric; it supplies the initial policy, polishing and, for f32 storage, the
// certificate in the original game, while the iterations read `payoff` (an operator for the same A).
SolveResult SolveOmwuFused(const ZeroSumGame& game, const SkewPayoffOperator& payoff, double step_size,
                           const SolveOptions& options);
// The same on the game's own operator, or (a dense game) on one built from its payoff in options.storage and
// options.layout; the solve's clock (its seconds, its time limit) counts that build, as PDHG's does.
SolveResult SolveOmwuFused(const ZeroSumGame& game, double step_size, const SolveOptions& options);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_FUSED_OMWU_H_
