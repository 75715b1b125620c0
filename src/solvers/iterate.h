// What the one solve loop needs of an iterate. The generic methods (an IterativeMethod and the
// payoff products the driver computes for it) and the fused OMWU kernels both present themselves this
// way, so stopping, tracing, polishing, the certificate and the timing are written once
// (RunIterations) and a new solver plugs in by implementing these few calls.
#ifndef NLHF_SRC_SOLVERS_ITERATE_H_
#define NLHF_SRC_SOLVERS_ITERATE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "nlhf/polish.h"
#include "nlhf/solver.h"
#include "solvers/stopping_rules.h"

namespace nlhf::internal {

class Iterate {
 public:
  virtual ~Iterate() = default;
  // One update, with whatever products the next gap() needs.
  virtual void Step() = 0;
  // Up to `count` updates, ending after the first whose iterate the loop would stop at for itself (gap()
  // not above `gap_tolerance` or not finite, finite() false, or stalled()); returns the updates made. The
  // loop hands over the stretches where no other rule can hold (no callback, trace, polishing try or limit
  // due), so that a method whose update takes a few dozen nanoseconds (a small game's OMWU) can run them
  // with its state in registers; this default is the loop's own test after each Step.
  virtual std::int64_t StepWhileAbove(std::int64_t count, double gap_tolerance) {
    for (std::int64_t done = 1; done <= count; ++done) {
      Step();
      if (!KeepsIterating(gap(), finite(), gap_tolerance) || stalled()) return done;
    }
    return count;
  }
  // Duality gap of the returned iterate, from the iterate's own products (the loop's stopping test;
  // the certificate is recomputed on the game at the end).
  virtual double gap() const = 0;
  // False once a policy holds NaN or +inf.
  virtual bool finite() const = 0;
  // Smallest log-probability of the last iterate, over actions and players.
  virtual double min_log_probability() const = 0;
  // Σ_players ‖π_t − π_{t−1}‖₁ of the returned iterate; 0 before the first step.
  virtual double l1_change() const = 0;
  // The iterate the method answers with (the last one, or the average), as probabilities and logs.
  virtual PlayerVectors returned_probabilities() const = 0;
  virtual PlayerVectors returned_log_policy() const = 0;
  // The last iterate's log-policy, for traces with SolveOptions::trace_log_policy.
  virtual PlayerVectors current_log_policy() const = 0;
  // Gap of the returned iterate in the β-regularized game the method solves; NaN for methods aimed at
  // the original game.
  virtual double regularized_gap() const { return std::numeric_limits<double>::quiet_NaN(); }
  // How polishing runs for this method (nlhf/polish.h): the defaults, or what a method built to be
  // finished asks for.
  virtual void AdjustPolishing(PolishSchedule& /*schedule*/) const {}
  // Why the method cannot go on (an exact method's numerical breakdown), once it cannot; the loop then
  // stops with kNumericalFailure and the best answer so far.
  virtual std::optional<std::string> stalled() const { return std::nullopt; }
};

// The solve loop, advanced by its caller: the rules are asked where a stretch of updates ends, and the
// caller makes the updates in between. RunIterations drives one iterate with it; SolveBatch drives two small
// games' loops and advances their iterates together in one kernel (solvers/small_omwu_solve.h).
class IterationLoop {
 public:
  // `rules` was made before the iterate (it validates the options and starts the clock); `game`, `iterate`,
  // `options` and `rules` must outlive the loop.
  IterationLoop(const ZeroSumGame& game, Iterate& iterate, const SolveOptions& options, const StoppingRules& rules);
  IterationLoop(const IterationLoop&) = delete;
  IterationLoop& operator=(const IterationLoop&) = delete;

  // The updates the iterate may make before the rules must be asked again (the iterate's StepWhileAbove
  // with the gap tolerance, or the same updates made otherwise); 0 once a rule has stopped the solve. The
  // rules, in order: the callback, finiteness, the gap tolerance, polishing (when due), the iteration and
  // time limits. The callback and the clock are asked after every update; a trace point, a polishing try
  // and the iteration limit each end a stretch.
  std::int64_t NextStretch();
  // The iterate made `updates` of the stretch NextStretch gave: all of them, or fewer when it stopped for
  // itself (as StepWhileAbove ends) or its caller stopped it early; the rest of the stretch stays open.
  void Advanced(std::int64_t updates);
  // Once NextStretch gives 0: the trace, the answer (the polished one, or the returned iterate) with its
  // certificate recomputed on `game`, and "converged" confirmed for that certificate.
  SolveResult Finish();

 private:
  // Asks the rules at the current iteration; true when one stops the solve.
  bool Stops();
  void Record();

  const ZeroSumGame& game_;
  Iterate& iterate_;
  const SolveOptions& options_;
  const StoppingRules& rules_;
  const bool tracing_;
  std::optional<Polisher> polisher_;
  std::optional<PolishResult> polished_;
  SolveResult result_;
  std::int64_t t_ = 0;
  std::int64_t open_ = 0;  // updates left of the last stretch given
  bool stopped_ = false;
};

// Runs `iterate` until a stopping rule holds (IterationLoop, each stretch made by the iterate's
// StepWhileAbove) and returns the loop's answer.
SolveResult RunIterations(const ZeroSumGame& game, Iterate& iterate, const SolveOptions& options,
                          const StoppingRules& rules);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_ITERATE_H_
