#include "solvers/stopping_rules.h"

#include <fmt/format.h>

#include "nlhf/error.h"

namespace nlhf::internal {

StoppingRules::StoppingRules(const ZeroSumGame& game, const SolveOptions& options)
    : game_(game), options_(options), start_(std::chrono::steady_clock::now()) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
}

double StoppingRules::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

bool StoppingRules::ShouldStop(std::int64_t t, double gap, bool finite, double min_log_probability,
                               double l1_change, const std::function<PlayerVectors()>& returned,
                               SolveResult& result) {
  const auto stop = [&](Termination termination, std::string message) {
    result.termination = termination;
    result.message = std::move(message);
    return true;
  };
  if (options_.callback && !options_.callback({t, gap, min_log_probability, l1_change})) {
    return stop(Termination::kCallbackStop, fmt::format("stopped by the callback at iteration {} with gap {:.3g}", t, gap));
  }
  if (!std::isfinite(gap) || !finite) {
    return stop(Termination::kNumericalFailure,
                fmt::format("non-finite policy or duality gap ({}) at iteration {}", gap, t));
  }
  if (gap <= options_.gap_tolerance) {
    return stop(Termination::kConverged, fmt::format("gap {:.3g} <= {:.3g}", gap, options_.gap_tolerance));
  }
  // Polishing may do at most a tenth of the work of the iterations so far (2·m·n operations each, per
  // player), plus 1e8 operations to get going, so that on large games its small linear solves never
  // dominate. Work, not time: the same command then polishes at the same iterations on any machine.
  const double iteration_work = 2.0 * game_.num_actions(0) * game_.num_actions(game_.num_players() - 1);
  if (options_.polish && t > 0 && t % options_.polish_interval == 0 &&
      polish_work_ <= 1e8 + 0.1 * iteration_work * static_cast<double>(t)) {
    polished_ = PolishOnSupport(game_, returned(), options_.gap_tolerance, options_.polish_max_support,
                                tried_supports_, &polish_work_);
    if (polished_) {
      return stop(Termination::kConverged,
                  fmt::format("polished at iteration {} ({}; support size {}): gap {:.3g} <= {:.3g}", t,
                              polished_->how, SupportSizes(polished_->support), polished_->duality_gap,
                              options_.gap_tolerance));
    }
  }
  if (t >= options_.max_iterations) {
    return stop(Termination::kMaxIterations, fmt::format("iteration limit {} reached with gap {:.3g} > {:.3g}",
                                                         options_.max_iterations, gap, options_.gap_tolerance));
  }
  if (std::isfinite(options_.max_time_in_seconds) && Elapsed() > options_.max_time_in_seconds) {
    return stop(Termination::kTimeLimit, fmt::format("time limit {:g} s reached with gap {:.3g} > {:.3g}",
                                                     options_.max_time_in_seconds, gap, options_.gap_tolerance));
  }
  return false;
}

bool StoppingRules::SetPolishedAnswer(double support_threshold, SolveResult& result) const {
  if (!polished_) return false;
  SetFinalProbabilities(game_, polished_->probabilities, support_threshold, result);
  result.polished = true;
  return true;
}

void StoppingRules::ConfirmConvergence(SolveResult& result) const {
  if (!result.converged() || result.duality_gap <= options_.gap_tolerance) return;
  result.termination = Termination::kNumericalFailure;
  result.message = fmt::format("{}, but the certificate recomputed on the game is {:.3g} > {:.3g}: the tolerance is "
                               "below what this computation can certify", result.message, result.duality_gap,
                               options_.gap_tolerance);
}

}  // namespace nlhf::internal
