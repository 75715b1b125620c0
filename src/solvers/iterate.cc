#include "solvers/iterate.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "nlhf/metrics.h"
#include "nlhf/polish.h"

namespace nlhf::internal {

SolveResult RunIterations(const ZeroSumGame& game, Iterate& iterate, const SolveOptions& options,
                          const StoppingRules& rules) {
  SolveResult result;
  std::optional<Polisher> polisher;
  // Polishing solves restricted dense systems: a game held only as its operator is not polished.
  if (options.polish && game.has_dense_payoff()) {
    PolishSchedule schedule{.interval = options.polish_interval};
    // Any method's iterate can be finished by the warm-started simplex once it is close (OMWU at n = 1,000
    // would otherwise take tens of thousands of iterations to settle its support); a method may change this.
    schedule.crossover_gap = kDefaultCrossoverGap * game.payoff_scale();
    iterate.AdjustPolishing(schedule);
    polisher.emplace(game, options.gap_tolerance, options.polish_max_support, schedule);
  }
  std::optional<PolishResult> polished;
  std::int64_t t = 0;

  const bool tracing = options.trace_interval > 0;
  const auto record = [&] {
    result.trace.push_back({t, iterate.gap(), iterate.min_log_probability(), iterate.l1_change(),
                            iterate.regularized_gap(),
                            options.trace_log_policy ? iterate.current_log_policy() : PlayerVectors{}});
  };
  const auto stop = [&](Verdict verdict) {
    result.termination = verdict.termination;
    result.message = std::move(verdict.message);
  };
  if (tracing) record();
  while (true) {
    const double gap = iterate.gap();
    if (options.callback && !options.callback({t, gap, iterate.min_log_probability(), iterate.l1_change()})) {
      stop({Termination::kCallbackStop, fmt::format("stopped by the callback at iteration {} with gap {:.3g}", t, gap)});
      break;
    }
    if (auto verdict = rules.CheckGap(t, gap, iterate.finite())) {
      stop(std::move(*verdict));
      break;
    }
    if (polisher && (polished = polisher->TryAt(t, gap, [&] { return iterate.returned_probabilities(); }))) {
      stop({Termination::kConverged,
            fmt::format("polished at iteration {} ({}; support size {}): gap {:.3g} <= {:.3g}", t, polished->how,
                        SupportSizes(polished->support), polished->duality_gap, options.gap_tolerance)});
      break;
    }
    if (auto why = iterate.stalled()) {
      if (polisher && (polished = polisher->Finish(iterate.returned_probabilities()))) {
        stop({Termination::kConverged,
              fmt::format("{} at iteration {}; crossover from there ({}; support size {}): gap {:.3g} <= {:.3g}", *why,
                          t, polished->how, SupportSizes(polished->support), polished->duality_gap,
                          options.gap_tolerance)});
        break;
      }
      stop({Termination::kNumericalFailure, fmt::format("{} at iteration {} with gap {:.3g}", *why, t, gap)});
      break;
    }
    if (auto verdict = rules.CheckBudget(t, gap)) {
      stop(std::move(*verdict));
      break;
    }
    // The updates until the next iteration at which a rule other than the gap's may hold, made in one
    // call: the callback and the clock are asked after every update; a trace point, a polishing try and
    // the iteration limit each end a stretch.
    std::int64_t stretch = 1;
    if (!options.callback && !rules.timed()) {
      stretch = options.max_iterations - t;
      if (tracing) stretch = std::min(stretch, options.trace_interval - t % options.trace_interval);
      if (polisher) stretch = std::min(stretch, polisher->UpdatesUntilNextTry(t));
    }
    t += iterate.StepWhileAbove(stretch, options.gap_tolerance);
    if (tracing && t % options.trace_interval == 0) record();
  }
  if (tracing && result.trace.back().iteration != t) record();
  result.iterations = t;

  if (polished) {
    SetFinalProbabilities(game, polished->probabilities, options.support_threshold, result);
    result.polished = true;
  } else {
    // The certificate, computed the standard way on the game. It differs from the loop's own gap only in
    // rounding (a kernel's summation order) or, for f32 storage, by A's rounding to f32. The iterate's
    // own log-policy is kept: it holds values far below the double range that the probabilities lose.
    SetFinalProbabilities(game, iterate.returned_probabilities(), options.support_threshold, result);
    result.log_policy = iterate.returned_log_policy();
    result.regularized_gap = iterate.regularized_gap();
    if (tracing) result.trace.back().duality_gap = result.duality_gap;
  }
  rules.ConfirmConvergence(result);
  result.seconds = rules.Elapsed();
  return result;
}

}  // namespace nlhf::internal
