#include "nlhf/io/result_json.h"

#include <cmath>

namespace nlhf {

nlohmann::json ToJson(const Eigen::VectorXd& v) {
  nlohmann::json array = nlohmann::json::array();
  for (double x : v) {
    if (std::isfinite(x)) {
      array.push_back(x);
    } else {
      array.push_back(nullptr);
    }
  }
  return array;
}

nlohmann::json ToJson(const std::vector<int>& v) { return nlohmann::json(v); }

nlohmann::json SolveResultJson(const ZeroSumGame& game, const SolveResult& result) {
  nlohmann::json out;
  out["algorithm"] = result.algorithm;
  out["n"] = game.num_actions(game.symmetric() ? 0 : 1);
  out["iterations"] = result.iterations;
  out["duality_gap"] = result.duality_gap;
  if (!std::isnan(result.regularized_gap)) out["regularized_gap"] = result.regularized_gap;
  out["converged"] = result.converged();
  out["termination"] = TerminationName(result.termination);
  out["polished"] = result.polished;
  if (!result.policy.empty()) {
    out["policy"] = ToJson(result.policy[0]);
    out["support"] = ToJson(result.support[0]);
  }
  return out;
}

}  // namespace nlhf
