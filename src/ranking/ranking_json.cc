#include <cmath>
#include <nlohmann/json.hpp>

#include "nlhf/ranking/rank.h"

namespace nlhf {

std::string RankingJson(const RankingResult& r) {
  const auto number_or_null = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  nlohmann::json candidates = nlohmann::json::array();
  for (const CandidateRanking& c : r.candidates) {
    nlohmann::json entry = {{"name", c.name},
                            {"ne_probability", c.ne_probability},
                            {"beats_ne_probability", c.beats_ne_probability},
                            {"bt_rating", c.bt_rating},
                            {"comparisons", number_or_null(c.comparisons)}};
    if (c.pl_rating) entry["pl_rating"] = *c.pl_rating;
    if (c.ne_interval) entry["ne_interval"] = {c.ne_interval->low, c.ne_interval->high};
    if (c.bt_interval) entry["bt_interval"] = {c.bt_interval->low, c.bt_interval->high};
    if (c.support_frequency) entry["support_frequency"] = *c.support_frequency;
    if (c.rank_interval) entry["rank_interval"] = {c.rank_interval->low, c.rank_interval->high};
    if (c.ne_range) entry["ne_range"] = {c.ne_range->low, c.ne_range->high};
    entry["rank"] = c.rank;
    candidates.push_back(entry);
  }
  nlohmann::json never = nlohmann::json::array();
  for (const auto& [a, b] : r.never_compared) never.push_back({a, b});
  const nlohmann::json document = {
      {"candidates", candidates},
      {"duality_gap", r.duality_gap},
      {"solver", r.solver},
      {"condorcet_winner", r.condorcet_winner ? nlohmann::json(*r.condorcet_winner) : nlohmann::json()},
      {"top_cycle", r.top_cycle},
      {"never_compared", never},
      {"never_compared_count", r.never_compared_count},
      {"unranked", r.unranked},
      {"bootstrap", r.bootstrap},
      {"bootstrap_clusters", r.bootstrap_clusters},
      {"equilibrium_unique", r.equilibrium_unique ? nlohmann::json(*r.equilibrium_unique) : nlohmann::json()},
      {"bt_mle_exists", r.bt_mle_exists},
      {"graph_parts", r.graph_parts},
      {"outside_largest_part", r.outside_largest_part},
      {"filled_pairs", r.filled_pairs},
      {"top_cycle_uncompared_pairs", r.top_cycle_uncompared_pairs},
      {"voting_rules", {{"copeland", r.copeland_order}, {"schulze", r.schulze_order},
                        {"ranked_pairs", r.ranked_pairs_order}, {"kemeny", r.kemeny_order}}}};
  return document.dump();
}

}  // namespace nlhf
