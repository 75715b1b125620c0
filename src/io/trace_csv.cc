#include "nlhf/io/trace_csv.h"

#include <fmt/format.h>

namespace nlhf {

std::string FormatTraceCsv(const SolveResult& result, const ZeroSumGame* game) {
  const bool with_policy = game != nullptr && !result.trace.empty() && !result.trace.front().log_policy.empty();
  std::string csv = "iteration,duality_gap,regularized_gap,min_log_probability,l1_change";
  if (with_policy) {
    for (int p = 0; p < game->num_players(); ++p) {
      const char* prefix = game->symmetric() ? "pi" : (p == 0 ? "x" : "y");
      for (int a = 0; a < game->num_actions(p); ++a) csv += fmt::format(",log_{}_{}", prefix, a);
    }
  }
  csv += "\n";
  for (const TraceRecord& r : result.trace) {
    csv += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g}", r.iteration, r.duality_gap, r.regularized_gap,
                       r.min_log_probability, r.l1_change);
    if (with_policy) {
      for (const auto& log_policy : r.log_policy) {
        for (double l : log_policy) csv += fmt::format(",{:.17g}", l);
      }
    }
    csv += "\n";
  }
  return csv;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace nlhf
