// The stopping tests every iterative solver applies, in one place, as pure checks: the driver
// (RunIterations, solvers/iterate.h) asks them in order and stops on the first verdict, so every method
// stops for the same reasons with the same messages.
#ifndef NLHF_SRC_SOLVERS_STOPPING_RULES_H_
#define NLHF_SRC_SOLVERS_STOPPING_RULES_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "nlhf/solver.h"

namespace nlhf::internal {

struct Verdict {
  Termination termination;
  std::string message;  // the test that held, with values: "gap 9.7e-10 <= 1e-09"
};

class StoppingRules {
 public:
  // Throws InvalidArgument when options.Validate() fails; starts the clock.
  explicit StoppingRules(const SolveOptions& options);

  double Elapsed() const;

  // A non-finite policy or gap, then the gap tolerance.
  std::optional<Verdict> CheckGap(std::int64_t t, double gap, bool finite) const;
  // The iteration limit, then the time limit.
  std::optional<Verdict> CheckBudget(std::int64_t t, double gap) const;

  // "Converged" means the printed certificate is at most the tolerance. The loop tests the gap it has
  // at hand (a kernel's own product, possibly over f32 storage); once result.duality_gap holds the
  // certificate recomputed on the game, a converged result whose certificate exceeds the tolerance is
  // relabelled, with both values in the message.
  void ConfirmConvergence(SolveResult& result) const;

 private:
  const SolveOptions& options_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_STOPPING_RULES_H_
