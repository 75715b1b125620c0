// Results as JSON, written once for every caller: what `nlhf solve --json` and `nlhf batch` print and
// what the Python module returns are built here (as the ranking's RankingJson is).
#ifndef NLHF_IO_RESULT_JSON_H_
#define NLHF_IO_RESULT_JSON_H_

#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "nlhf/game.h"
#include "nlhf/solver.h"

namespace nlhf {

// A vector as a JSON array; NaN and ±inf (a log of an exact zero) become null, as JSON has neither.
nlohmann::json ToJson(const Eigen::VectorXd& v);
nlohmann::json ToJson(const std::vector<int>& v);

// What every caller reports of one solve: algorithm, n, iterations, duality_gap, regularized_gap
// (β-methods only), converged, termination, polished, policy and support (of the row player in a
// two-player game). `nlhf solve --json` adds the rest, `batch` the context.
nlohmann::json SolveResultJson(const ZeroSumGame& game, const SolveResult& result);

// `nlhf batch`'s line for one game, written into `line` (its capacity kept): SolveResultJson with the keys
// "context" and, when the default chose the algorithm, "algorithm_choice" (`choice`, or null), dumped, the
// same bytes. Written directly instead of through a nlohmann object: building and serializing one per game
// (map nodes, allocations) took a sixth of a 100,000-game batch at 200 iterations. Numbers go through
// nlohmann's own formatting (detail::to_chars, what dump() runs), strings that need escaping through dump().
void BatchAnswerLine(const ZeroSumGame& game, const SolveResult& result, const std::string* choice,
                     std::string_view context, std::string& line);

}  // namespace nlhf

#endif  // NLHF_IO_RESULT_JSON_H_
