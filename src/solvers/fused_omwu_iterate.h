// FusedOmwu as the solve loop (solvers/iterate.h) sees it: it keeps its own payoff vector, so the gap
// comes with each step.
#ifndef NLHF_SRC_SOLVERS_FUSED_OMWU_ITERATE_H_
#define NLHF_SRC_SOLVERS_FUSED_OMWU_ITERATE_H_

#include <cstdint>

#include "nlhf/solvers/fused_omwu.h"
#include "solvers/iterate.h"

namespace nlhf::internal {

class FusedOmwuIterate final : public Iterate {
 public:
  explicit FusedOmwuIterate(FusedOmwu& omwu) : omwu_(omwu) {}
  void Step() override { omwu_.Step(); }
  std::int64_t StepWhileAbove(std::int64_t count, double gap_tolerance) override {
    return omwu_.StepWhileAbove(count, gap_tolerance);  // OMWU never stalls
  }
  double gap() const override { return omwu_.gap(); }
  bool finite() const override { return omwu_.finite(); }
  double min_log_probability() const override { return omwu_.min_log_probability(); }
  double l1_change() const override { return omwu_.l1_change(); }
  PlayerVectors returned_probabilities() const override { return {omwu_.policy()}; }
  PlayerVectors returned_log_policy() const override { return {omwu_.log_policy()}; }
  PlayerVectors current_log_policy() const override { return {omwu_.log_policy()}; }

 private:
  FusedOmwu& omwu_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_FUSED_OMWU_ITERATE_H_
