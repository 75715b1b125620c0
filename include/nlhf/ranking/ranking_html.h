// A leaderboard page: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) with
// the ranking table and its intervals, the equilibrium mixture as a bar chart, the pairwise win-rate heat
// map, and the notes and warnings of the run (`nlhf rank --html OUT.html`).
#ifndef NLHF_RANKING_RANKING_HTML_H_
#define NLHF_RANKING_RANKING_HTML_H_

#include <string>
#include <vector>

#include "nlhf/ranking/rank.h"

namespace nlhf {

struct RankingSection {
  std::string title;                  // e.g. "context coding"; empty for a single ranking
  const RankingResult* ranking = nullptr;
  std::vector<std::string> warnings;  // shown above the table
};

// The heat map is drawn for up to this many candidates (an n × n grid of cells); above, the page says so.
inline constexpr int kMaxHeatMapCandidates = 60;

std::string RankingHtml(const std::string& title, const std::vector<RankingSection>& sections,
                        const std::vector<std::string>& notes);

}  // namespace nlhf

#endif  // NLHF_RANKING_RANKING_HTML_H_
