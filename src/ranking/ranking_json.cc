#include <cmath>
#include <nlohmann/json.hpp>

#include "nlhf/ranking/rank.h"
#include "io/json_text.h"

namespace nlhf {

std::string RankingJson(const RankingResult& r) {
  nlohmann::json candidates = nlohmann::json::array();
  for (const CandidateRanking& c : r.candidates) {
    nlohmann::json entry = {{"name", c.name},
                            {"ne_probability", c.ne_probability},
                            {"beats_ne_probability", c.beats_ne_probability},
                            {"bt_rating", c.bt_rating},
                            {"comparisons", internal::NumberOrNull(c.comparisons)}};
    if (c.pl_rating) entry["pl_rating"] = *c.pl_rating;
    if (c.nash_skill) entry["nash_skill"] = *c.nash_skill;
    if (c.nash_probability) entry["nash_probability"] = *c.nash_probability;
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
  nlohmann::json nash;  // null unless computed
  if (const auto& a = r.nash_averaging) {
    nlohmann::json tasks = nlohmann::json::array();
    for (size_t t = 0; t < a->tasks.size(); ++t) {
      tasks.push_back({{"name", a->tasks[t]}, {"probability", a->task_probability[t]},
                       {"difficulty", a->difficulty[t]}});
    }
    nash = {{"value", a->value}, {"duality_gap", a->duality_gap}, {"kkt_verified", a->kkt_verified},
            {"skipped_tasks", a->skipped_tasks}, {"tasks", tasks}};
  }
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
      {"equilibrium_tie_break", r.tie_break.empty() ? nlohmann::json() : nlohmann::json(r.tie_break)},
      {"nash_averaging", nash},
      {"bt_mle_exists", r.bt_mle_exists},
      {"bt_prior_sd", r.bt_prior_applied ? nlohmann::json(r.bt_prior_sd) : nlohmann::json()},
      {"graph_parts", r.graph_parts},
      {"outside_largest_part", r.outside_largest_part},
      {"filled_pairs", r.filled_pairs},
      {"top_cycle_uncompared_pairs", r.top_cycle_uncompared_pairs},
      {"voting_rules", {{"copeland", r.copeland_order}, {"schulze", r.schulze_order},
                        {"ranked_pairs", r.ranked_pairs_order}, {"kemeny", r.kemeny_order}}}};
  return document.dump();
}

}  // namespace nlhf
