// Format detection for judgment tables (the reader is ParseJudgments, nlhf/ranking/readers.h).
#ifndef NLHF_SRC_RANKING_JUDGMENTS_H_
#define NLHF_SRC_RANKING_JUDGMENTS_H_

#include <string>
#include <vector>

#include "nlhf/ranking/readers.h"

namespace nlhf::internal {

// Whether a header (or a first JSON record's keys) is a judgment table's: a model column, a score column
// and an item column, and no model_a column (that is a battle log).
bool LooksLikeJudgments(const std::vector<std::string>& names, const ComparisonReadOptions& options);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_RANKING_JUDGMENTS_H_
