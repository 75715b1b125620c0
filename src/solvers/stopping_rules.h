// The stopping tests every iterative solver applies, in one place: the generic driver (Solve) and the
// fused OMWU kernel stop for the same reasons, with the same messages, and polish on the same schedule.
#ifndef NLHF_SRC_SOLVERS_STOPPING_RULES_H_
#define NLHF_SRC_SOLVERS_STOPPING_RULES_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <vector>

#include "nlhf/polish.h"
#include "nlhf/solver.h"

namespace nlhf::internal {

class StoppingRules {
 public:
  // Throws InvalidArgument when options.Validate() fails; starts the clock.
  StoppingRules(const ZeroSumGame& game, const SolveOptions& options);

  double Elapsed() const;

  // Applies, in order: the callback, finiteness, the gap tolerance, polishing (when due, within its time
  // budget), the iteration limit and the time limit. Returns true when the solve stops at iteration t,
  // with result.termination and result.message set. `returned` gives the probabilities of the iterate
  // the method answers with; it is called only when polishing is due.
  bool ShouldStop(std::int64_t t, double gap, bool finite, double min_log_probability, double l1_change,
                  const std::function<PlayerVectors()>& returned, SolveResult& result);

  // When polishing stopped the solve, fills `result` with the polished answer (policy, support,
  // certificate, `polished`) and returns true; otherwise leaves it alone and returns false.
  bool SetPolishedAnswer(double support_threshold, SolveResult& result) const;

  // "Converged" means the printed certificate is at most the tolerance. The loop tests the gap it has
  // at hand (a kernel's own product, possibly over f32 storage); once result.duality_gap holds the
  // certificate recomputed on the game, a converged result whose certificate exceeds the tolerance is
  // relabelled, with both values in the message.
  void ConfirmConvergence(SolveResult& result) const;

 private:
  const ZeroSumGame& game_;
  const SolveOptions& options_;
  std::chrono::steady_clock::time_point start_;
  std::set<std::vector<std::vector<int>>> tried_supports_;
  std::optional<PolishResult> polished_;
  double polish_work_ = 0;  // floating-point operations spent polishing
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_STOPPING_RULES_H_
