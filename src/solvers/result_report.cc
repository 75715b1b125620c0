#include <fmt/format.h>

#include "nlhf/solver.h"

namespace nlhf {

std::string SolveResult::BriefReport() const {
  if (termination == Termination::kNotRun) return fmt::format("{}: not run", algorithm);
  return fmt::format("{}: {} after {} iterations, duality gap {:.3g} ({})", algorithm,
                     TerminationName(termination), iterations, duality_gap, message);
}

}  // namespace nlhf
