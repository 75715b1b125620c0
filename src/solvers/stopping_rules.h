// The stopping tests every iterative solver applies, in one place, as pure checks: the driver
// (RunIterations, solvers/iterate.h) asks them in order and stops on the first verdict, so every method
// stops for the same reasons with the same messages.
#ifndef NLHF_SRC_SOLVERS_STOPPING_RULES_H_
#define NLHF_SRC_SOLVERS_STOPPING_RULES_H_

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "nlhf/solver.h"

namespace nlhf::internal {

struct Verdict {
  Termination termination;
  std::string message;  // the test that held, with values: "gap 9.7e-10 <= 1e-09"
};

// CheckGap's test for going on: a finite policy, and a finite gap above the tolerance.
inline bool KeepsIterating(double gap, bool finite, double gap_tolerance) {
  return finite && std::isfinite(gap) && gap > gap_tolerance;
}

class StoppingRules {
 public:
  // Throws InvalidArgument when options.Validate() fails; starts the clock.
  explicit StoppingRules(const SolveOptions& options);

  double Elapsed() const;

  // A non-finite policy or gap, then the gap tolerance. The common answer, go on, is decided inline: these
  // run once per iteration, and a small game's iteration takes ~30 ns.
  std::optional<Verdict> CheckGap(std::int64_t t, double gap, bool finite) const {
    if (KeepsIterating(gap, finite, options_.gap_tolerance)) [[likely]] return std::nullopt;
    return GapVerdict(t, gap, finite);
  }
  // Whether the time limit is finite (then the clock is read after every iteration).
  bool timed() const { return timed_; }
  // The iteration limit, then the time limit.
  std::optional<Verdict> CheckBudget(std::int64_t t, double gap) const {
    if (t < options_.max_iterations && !timed_) [[likely]] return std::nullopt;
    return BudgetVerdict(t, gap);
  }

  // "Converged" means the printed certificate is at most the tolerance. The loop tests the gap it has
  // at hand (a kernel's own product, possibly over f32 storage); once result.duality_gap holds the
  // certificate recomputed on the game, a converged result whose certificate exceeds the tolerance is
  // relabelled, with both values in the message.
  void ConfirmConvergence(SolveResult& result) const;

 private:
  std::optional<Verdict> GapVerdict(std::int64_t t, double gap, bool finite) const;
  std::optional<Verdict> BudgetVerdict(std::int64_t t, double gap) const;

  const SolveOptions& options_;
  bool timed_;  // a finite time limit: the clock is read every iteration
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_STOPPING_RULES_H_
