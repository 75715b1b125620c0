#include "solvers/stopping_rules.h"

#include <fmt/format.h>

#include <cmath>

#include "nlhf/error.h"

namespace nlhf::internal {

StoppingRules::StoppingRules(const SolveOptions& options)
    : options_(options),
      timed_(std::isfinite(options.max_time_in_seconds)),
      start_(std::chrono::steady_clock::now()) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
}

double StoppingRules::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::optional<Verdict> StoppingRules::GapVerdict(std::int64_t t, double gap, bool finite) const {
  if (!std::isfinite(gap) || !finite) {
    return Verdict{Termination::kNumericalFailure,
                   fmt::format("non-finite policy or duality gap ({}) at iteration {}", gap, t)};
  }
  if (gap <= options_.gap_tolerance) {
    return Verdict{Termination::kConverged, fmt::format("gap {:.3g} <= {:.3g}", gap, options_.gap_tolerance)};
  }
  return std::nullopt;
}

std::optional<Verdict> StoppingRules::BudgetVerdict(std::int64_t t, double gap) const {
  if (t >= options_.max_iterations) {
    return Verdict{Termination::kMaxIterations, fmt::format("iteration limit {} reached with gap {:.3g} > {:.3g}",
                                                            options_.max_iterations, gap, options_.gap_tolerance)};
  }
  if (timed_ && Elapsed() > options_.max_time_in_seconds) {
    return Verdict{Termination::kTimeLimit, fmt::format("time limit {:g} s reached with gap {:.3g} > {:.3g}",
                                                        options_.max_time_in_seconds, gap, options_.gap_tolerance)};
  }
  return std::nullopt;
}

void StoppingRules::ConfirmConvergence(SolveResult& result) const {
  if (!result.converged() || result.duality_gap <= options_.gap_tolerance) return;
  result.termination = Termination::kNumericalFailure;
  result.message = fmt::format("{}, but the certificate recomputed on the game is {:.3g} > {:.3g}: the tolerance is "
                               "below what this computation can certify", result.message, result.duality_gap,
                               options_.gap_tolerance);
}

}  // namespace nlhf::internal
