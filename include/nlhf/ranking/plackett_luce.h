// The Plackett–Luce model for rankings (Luce 1959, Plackett 1975): a voter ranks by choosing, from the
// alternatives left, each with probability proportional to its strength γ. Fitted by the MM algorithm of
// Hunter (2004), "MM algorithms for generalized Bradley–Terry models", Ann. Statist. 32(1).
#ifndef NLHF_RANKING_PLACKETT_LUCE_H_
#define NLHF_RANKING_PLACKETT_LUCE_H_

#include <Eigen/Dense>
#include <optional>

#include "nlhf/ranking/comparisons.h"

namespace nlhf {

// Log-strengths (mean zero) maximizing the likelihood of the units' orders (ComparisonUnit::order), each
// unit taken `multiplicity` times. A partial order (PrefLib .soi) ranks its alternatives above all the
// unranked ones, which are never chosen. A pseudo-count of 1e-6 per alternative keeps the strengths of
// alternatives never chosen (or always chosen) finite, as the Bradley–Terry ridge does.
// nullopt where the data holds no orders, where an order has a tie (the model has none), or where the MM
// iteration has not settled (log-strengths changing by 1e-11 or more) after 5,000 steps.
std::optional<Eigen::VectorXd> PlackettLuceLogStrengths(const ComparisonData& data);

}  // namespace nlhf

#endif  // NLHF_RANKING_PLACKETT_LUCE_H_
