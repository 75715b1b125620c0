#include "nlhf/ranking/comparisons.h"

namespace nlhf {

PairwiseTable Tabulate(const ComparisonData& data, const std::vector<double>* draws, const std::string& context) {
  const int n = static_cast<int>(data.candidates.size());
  PairwiseTable table{Eigen::MatrixXd::Zero(n, n), Eigen::MatrixXd::Zero(n, n)};
  for (size_t k = 0; k < data.units.size(); ++k) {
    const ComparisonUnit& unit = data.units[k];
    if (!context.empty() && unit.context != context) continue;
    const double times = draws != nullptr ? (*draws)[k] : unit.multiplicity;
    if (times == 0) continue;
    for (const PairwiseOutcome& o : unit.outcomes) {
      const double w = times * o.weight;
      table.wins(o.a, o.b) += w * o.score_a;
      table.wins(o.b, o.a) += w * (1.0 - o.score_a);
      table.counts(o.a, o.b) += w;
      table.counts(o.b, o.a) += w;
    }
  }
  return table;
}

Eigen::MatrixXd PreferencesFromTable(const PairwiseTable& table, double prior,
                                     std::vector<std::pair<int, int>>* never_compared,
                                     std::int64_t* never_compared_count, size_t max_listed) {
  const Eigen::Index n = table.wins.rows();
  Eigen::MatrixXd p = Eigen::MatrixXd::Constant(n, n, 0.5);
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = a + 1; b < n; ++b) {
      const double total = table.counts(a, b) + 2 * prior;
      if (total <= 0) {
        if (never_compared_count != nullptr) ++*never_compared_count;
        if (never_compared != nullptr && never_compared->size() < max_listed) {
          never_compared->emplace_back(static_cast<int>(a), static_cast<int>(b));
        }
        continue;
      }
      p(a, b) = (table.wins(a, b) + prior) / total;
      p(b, a) = 1.0 - p(a, b);  // exactly complementary, so P + Pᵀ = 1 holds to the last bit
    }
  }
  return p;
}

}  // namespace nlhf
