// OMWU self-play on a game of at most 16 actions, the whole iteration in fixed-size padded arrays: the
// path FusedOmwu takes for small games (one context of a batch, `nlhf bench --n 10`). At this size an
// iteration is a short chain of dependent vector steps (update, exp, product, normalization), so its
// cost is latency, not memory; the state (small_omwu_kernels.h) is laid out for that.
#ifndef NLHF_SRC_SOLVERS_SMALL_OMWU_H_
#define NLHF_SRC_SOLVERS_SMALL_OMWU_H_

#include <Eigen/Core>

#include "nlhf/solvers/fused_omwu.h"
#include "solvers/small_omwu_kernels.h"
#include "solvers/stopping_rules.h"

namespace nlhf::internal {

class SmallOmwu final : public FusedOmwu {
 public:
  // `a`: the n × n payoff matrix (n <= kSmallOmwuMaxActions); `log_policy`: the normalized starting point.
  // `portable` picks PortableSmallOmwuSteps even where AVX-512 is available (for tests that compare them).
  SmallOmwu(const Eigen::MatrixXd& a, double step_size, const Eigen::VectorXd& log_policy, bool portable = false);

  void Step() override { steps_(state_, 1, 0); }
  std::int64_t StepWhileAbove(std::int64_t count, double gap_tolerance) override {
    return steps_(state_, count, gap_tolerance);
  }

  double gap() const override { return state_.gap; }
  bool finite() const override { return state_.finite; }
  Eigen::VectorXd log_policy() const override;
  Eigen::VectorXd policy() const override;
  double min_log_probability() const override;
  double l1_change() const override;
  const SmallOmwuState& state() const { return state_; }
  // For a kernel that advances several games' states at once (SmallOmwuSolve, SolveBatch).
  SmallOmwuState& mutable_state() { return state_; }
  // Whether the updates are the AVX-512 kernel's (else the portable one's).
  bool runs_avx512() const { return steps_ != PortableSmallOmwuSteps; }

 private:
  SmallOmwuState state_;
  SmallOmwuSteps steps_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_SMALL_OMWU_H_
