// After a comparison reader accepts a file, every outcome must name candidates it listed, and tabulating
// it must give a preference matrix that PreferenceGame accepts: the path `nlhf rank` takes.
#ifndef NLHF_FUZZ_COMPARISON_CHECKS_H_
#define NLHF_FUZZ_COMPARISON_CHECKS_H_

#include "nlhf/game.h"
#include "nlhf/ranking/comparisons.h"

namespace nlhf::fuzz {

inline void CheckComparisons(const ComparisonData& data) {
  const int n = static_cast<int>(data.candidates.size());
  for (const ComparisonUnit& unit : data.units) {
    for (const PairwiseOutcome& o : unit.outcomes) {
      if (o.a < 0 || o.a >= n || o.b < 0 || o.b >= n) __builtin_trap();
    }
    for (const auto& group : unit.order) {  // a ranking's order (PrefLib) names listed candidates, once each
      for (int a : group) {
        if (a < 0 || a >= n) __builtin_trap();
      }
    }
  }
  if (n < 1 || n > 2000) return;  // tabulating is n × n; the readers' own limit is tested elsewhere
  const PairwiseTable table = Tabulate(data, nullptr, "");
  const Eigen::MatrixXd p = PreferencesFromTable(table, 0.0, nullptr);
  const PreferenceGame game(p, data.candidates, {.symmetry_tolerance = 1e-12});
  (void)game;
}

}  // namespace nlhf::fuzz

#endif  // NLHF_FUZZ_COMPARISON_CHECKS_H_
