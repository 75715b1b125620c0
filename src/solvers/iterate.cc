#include "solvers/iterate.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "nlhf/metrics.h"
#include "nlhf/polish.h"

namespace nlhf::internal {

IterationLoop::IterationLoop(const ZeroSumGame& game, Iterate& iterate, const SolveOptions& options,
                             const StoppingRules& rules)
    : game_(game), iterate_(iterate), options_(options), rules_(rules), tracing_(options.trace_interval > 0) {
  // Polishing solves restricted dense systems: a game held only as its operator is not polished.
  if (options.polish && game.has_dense_payoff()) {
    PolishSchedule schedule{.interval = options.polish_interval};
    // Any method's iterate can be finished by the warm-started simplex once it is close (OMWU at n = 1,000
    // would otherwise take tens of thousands of iterations to settle its support); a method may change this.
    schedule.crossover_gap = kDefaultCrossoverGap * game.payoff_scale();
    iterate.AdjustPolishing(schedule);
    polisher_.emplace(game, options.gap_tolerance, options.polish_max_support, schedule);
  }
  if (tracing_) Record();
}

void IterationLoop::Record() {
  result_.trace.push_back({t_, iterate_.gap(), iterate_.min_log_probability(), iterate_.l1_change(),
                           iterate_.regularized_gap(),
                           options_.trace_log_policy ? iterate_.current_log_policy() : PlayerVectors{}});
}

std::int64_t IterationLoop::NextStretch() {
  if (stopped_) return 0;
  // Inside a stretch no rule but the iterate's own can hold (no trace point, polishing try or limit falls
  // there): asking all of them would give the same answer.
  if (open_ > 0 && KeepsIterating(iterate_.gap(), iterate_.finite(), options_.gap_tolerance) && !iterate_.stalled()) {
    return open_;
  }
  open_ = 0;
  if (Stops()) {
    stopped_ = true;
    return 0;
  }
  open_ = 1;
  if (!options_.callback && !rules_.timed()) {
    open_ = options_.max_iterations - t_;
    if (tracing_) open_ = std::min(open_, options_.trace_interval - t_ % options_.trace_interval);
    if (polisher_) open_ = std::min(open_, polisher_->UpdatesUntilNextTry(t_));
  }
  return open_;
}

void IterationLoop::Advanced(std::int64_t updates) {
  t_ += updates;
  open_ -= updates;
  if (tracing_ && t_ % options_.trace_interval == 0) Record();
}

bool IterationLoop::Stops() {
  const auto stop = [&](Verdict verdict) {
    result_.termination = verdict.termination;
    result_.message = std::move(verdict.message);
    return true;
  };
  const double gap = iterate_.gap();
  if (options_.callback && !options_.callback({t_, gap, iterate_.min_log_probability(), iterate_.l1_change()})) {
    return stop({Termination::kCallbackStop, fmt::format("stopped by the callback at iteration {} with gap {:.3g}", t_, gap)});
  }
  if (auto verdict = rules_.CheckGap(t_, gap, iterate_.finite())) return stop(std::move(*verdict));
  if (polisher_ && (polished_ = polisher_->TryAt(t_, gap, [&] { return iterate_.returned_probabilities(); }))) {
    return stop({Termination::kConverged,
                 fmt::format("polished at iteration {} ({}; support size {}): gap {:.3g} <= {:.3g}", t_, polished_->how,
                             SupportSizes(polished_->support), polished_->duality_gap, options_.gap_tolerance)});
  }
  if (auto why = iterate_.stalled()) {
    if (polisher_ && (polished_ = polisher_->Finish(iterate_.returned_probabilities()))) {
      return stop({Termination::kConverged,
                   fmt::format("{} at iteration {}; crossover from there ({}; support size {}): gap {:.3g} <= {:.3g}",
                               *why, t_, polished_->how, SupportSizes(polished_->support), polished_->duality_gap,
                               options_.gap_tolerance)});
    }
    return stop({Termination::kNumericalFailure, fmt::format("{} at iteration {} with gap {:.3g}", *why, t_, gap)});
  }
  if (auto verdict = rules_.CheckBudget(t_, gap)) return stop(std::move(*verdict));
  return false;
}

SolveResult IterationLoop::Finish() {
  SolveResult& result = result_;
  if (tracing_ && result.trace.back().iteration != t_) Record();
  result.iterations = t_;
  if (polished_) {
    SetFinalProbabilities(game_, polished_->probabilities, options_.support_threshold, result);
    result.polished = true;
  } else {
    // The certificate, computed the standard way on the game. It differs from the loop's own gap only in
    // rounding (a kernel's summation order) or, for f32 storage, by A's rounding to f32. The iterate's
    // own log-policy is kept: it holds values far below the double range that the probabilities lose.
    SetFinalProbabilities(game_, iterate_.returned_probabilities(), options_.support_threshold, result);
    result.log_policy = iterate_.returned_log_policy();
    result.regularized_gap = iterate_.regularized_gap();
    if (tracing_) result.trace.back().duality_gap = result.duality_gap;
  }
  rules_.ConfirmConvergence(result);
  result.seconds = rules_.Elapsed();
  return std::move(result);
}

SolveResult RunIterations(const ZeroSumGame& game, Iterate& iterate, const SolveOptions& options,
                          const StoppingRules& rules) {
  IterationLoop loop(game, iterate, options, rules);
  while (const std::int64_t stretch = loop.NextStretch()) {
    loop.Advanced(iterate.StepWhileAbove(stretch, options.gap_tolerance));
  }
  return loop.Finish();
}

}  // namespace nlhf::internal
