#include "nlhf/ranking/plackett_luce.h"

#include <cmath>
#include <vector>

namespace nlhf {

std::optional<Eigen::VectorXd> PlackettLuceLogStrengths(const ComparisonData& data) {
  const Eigen::Index n = static_cast<Eigen::Index>(data.candidates.size());
  bool any = false;
  for (const ComparisonUnit& unit : data.units) {
    for (const auto& group : unit.order) {
      if (group.size() > 1) return std::nullopt;
    }
    any = any || !unit.order.empty();
  }
  if (!any || n < 2) return std::nullopt;

  constexpr double kPseudoCount = 1e-6;
  // wins[i]: how often i was chosen from two or more alternatives (the last of a complete order was not).
  Eigen::VectorXd wins = Eigen::VectorXd::Constant(n, kPseudoCount);
  for (const ComparisonUnit& unit : data.units) {
    const size_t length = unit.order.size();
    const bool complete = static_cast<Eigen::Index>(length) == n;
    for (size_t r = 0; r + (complete ? 1 : 0) < length; ++r) wins[unit.order[r][0]] += unit.multiplicity;
  }
  Eigen::VectorXd gamma = Eigen::VectorXd::Ones(n);
  bool converged = false;
  for (int iteration = 0; iteration < 5000 && !converged; ++iteration) {
    // denominator[i] = Σ over the stages where i was still to be chosen of 1 / (strength left at that
    // stage). Unranked alternatives are present at every stage of a ballot: their share is added to
    // everyone (`everyone`) and taken back from the ballot's ranked ones, so a ballot costs its length,
    // not n.
    Eigen::VectorXd denominator = Eigen::VectorXd::Constant(n, kPseudoCount);
    double everyone = 0;
    for (const ComparisonUnit& unit : data.units) {
      const size_t length = unit.order.size();
      if (length == 0) continue;
      const bool complete = static_cast<Eigen::Index>(length) == n;
      double left = gamma.sum(), prefix = 0;  // prefix: Σ of 1/left over the stages so far
      std::vector<double> at(length);
      for (size_t r = 0; r < length; ++r) {
        if (!(complete && r + 1 == length)) prefix += 1.0 / left;  // a stage of one alternative chooses nothing
        at[r] = prefix;
        left -= gamma[unit.order[r][0]];
      }
      everyone += unit.multiplicity * prefix;
      for (size_t r = 0; r < length; ++r) denominator[unit.order[r][0]] += unit.multiplicity * (at[r] - prefix);
    }
    denominator.array() += everyone;
    Eigen::VectorXd next = wins.cwiseQuotient(denominator);
    next /= std::exp(next.array().log().mean());  // geometric mean 1: the scale is free
    converged = (next.array().log() - gamma.array().log()).abs().maxCoeff() < 1e-11;
    gamma = next;
  }
  if (!converged) return std::nullopt;  // not an estimate to print
  Eigen::VectorXd log_strengths = gamma.array().log();
  return (log_strengths.array() - log_strengths.mean()).matrix();
}

}  // namespace nlhf
