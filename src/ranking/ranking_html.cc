#include "nlhf/ranking/ranking_html.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace nlhf {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A name cut to `limit` characters (bytes kept whole for UTF-8) for chart labels; the full one is in
// the table and the tooltip.
std::string Short(const std::string& name, size_t limit = 28) {
  if (name.size() <= limit) return name;
  size_t cut = limit - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return name.substr(0, cut) + "…";
}

// Diverging colour for a win rate: blue below 1/2, white at 1/2, red above.
std::string WinRateColour(double p) {
  const double t = std::clamp(2 * std::abs(p - 0.5), 0.0, 1.0);
  const int fade = static_cast<int>(std::lround(255 * (1 - t)));
  return p >= 0.5 ? fmt::format("rgb(255,{},{})", fade, fade) : fmt::format("rgb({},{},255)", fade, fade);
}

std::string Table(const RankingResult& r) {
  const bool intervals = r.bootstrap > 0;
  std::string html = "<table class=\"ranking\">\n<thead><tr><th>rank</th>";
  if (intervals) html += "<th>95% rank interval</th>";
  html += "<th>candidate</th><th>NE probability</th>";
  if (intervals) html += "<th>95% interval</th>";
  if (r.candidates.size() && r.candidates.front().ne_range) html += "<th>range over equilibria</th>";
  html += "<th>P(beats NE)</th><th>BT rating</th>";
  if (intervals) html += "<th>95% interval</th><th>in support</th>";
  const bool nash = r.nash_averaging.has_value();
  if (nash) html += "<th>Nash-averaged skill</th>";
  html += "<th>comparisons</th></tr></thead>\n<tbody>\n";
  for (const CandidateRanking& c : r.candidates) {
    html += fmt::format("<tr><td>{}</td>", c.rank);
    if (intervals) html += fmt::format("<td>{:g}–{:g}</td>", c.rank_interval->low, c.rank_interval->high);
    html += fmt::format("<td class=\"name\">{}</td><td>{:.4f}</td>", Escape(c.name), c.ne_probability);
    if (intervals) html += fmt::format("<td>[{:.4f}, {:.4f}]</td>", c.ne_interval->low, c.ne_interval->high);
    if (c.ne_range) html += fmt::format("<td>[{:.4f}, {:.4f}]</td>", c.ne_range->low, c.ne_range->high);
    html += fmt::format("<td>{:.4f}</td><td>{:.1f}</td>", c.beats_ne_probability, c.bt_rating);
    if (intervals) {
      html += fmt::format("<td>[{:.0f}, {:.0f}]</td><td>{:.0f}%</td>", c.bt_interval->low, c.bt_interval->high,
                          100 * *c.support_frequency);
    }
    if (nash) html += c.nash_skill ? fmt::format("<td>{:.4g}</td>", *c.nash_skill) : "<td>—</td>";
    html += fmt::format("<td>{}</td></tr>\n", std::isfinite(c.comparisons) ? fmt::format("{:g}", c.comparisons) : "—");
  }
  return html + "</tbody>\n</table>\n";
}

// Horizontal bars of the equilibrium probabilities, with the bootstrap interval as a whisker.
std::string MixtureChart(const RankingResult& r) {
  const int label_width = 220, bar_width = 400, row = 18;
  const int rows = static_cast<int>(r.candidates.size());
  std::string svg = fmt::format("<svg class=\"mixture\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
                                "height=\"{}\" role=\"img\" aria-label=\"equilibrium mixture\">\n",
                                label_width + bar_width + 60, rows * row + 24);
  for (int k = 0; k < rows; ++k) {
    const CandidateRanking& c = r.candidates[k];
    const int y = k * row;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_width - 6, y + 13,
                       Escape(Short(c.name)));
    svg += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"><title>{}: {:.4f}</title>"
                       "</rect>", label_width, y + 3, bar_width * c.ne_probability, row - 6, Escape(c.name),
                       c.ne_probability);
    if (c.ne_interval) {
      svg += fmt::format("<line class=\"whisker\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"/>",
                         label_width + bar_width * c.ne_interval->low, label_width + bar_width * c.ne_interval->high,
                         y + row / 2, y + row / 2);
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{:.3f}</text>\n", label_width + bar_width * c.ne_probability + 4,
                       y + 13, c.ne_probability);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\">equilibrium probability (0 to 1{})</text>\n", label_width,
                     rows * row + 18, r.bootstrap > 0 ? "; lines: 95% bootstrap intervals" : "");
  return svg + "</svg>\n";
}

// P(row ≻ column) for the candidates in ranking order.
std::string HeatMap(const RankingResult& r) {
  const int n = static_cast<int>(r.candidates.size());
  if (n > kMaxHeatMapCandidates) {
    return fmt::format("<p class=\"note\">The heat map is drawn for up to {} candidates; this ranking has {}.</p>\n",
                       kMaxHeatMapCandidates, n);
  }
  size_t longest = 0;
  for (const CandidateRanking& c : r.candidates) longest = std::max(longest, Short(c.name, 24).size());
  const int label = static_cast<int>(std::min<size_t>(200, 16 + 7 * longest));
  const int cell = std::max(12, std::min(36, 640 / std::max(n, 1)));
  std::string svg = fmt::format("<svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
                                "height=\"{}\" role=\"img\" aria-label=\"pairwise win rates\">\n",
                                label + n * cell + label / 2 + 10, label + n * cell + 10);
  for (int i = 0; i < n; ++i) {
    const CandidateRanking& row = r.candidates[i];
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label - 4,
                       label + i * cell + cell / 2 + 4, Escape(Short(row.name, 24)));
    svg += fmt::format("<text transform=\"translate({},{}) rotate(-60)\">{}</text>\n", label + i * cell + cell / 2 + 4,
                       label - 4, Escape(Short(row.name, 24)));
    for (int j = 0; j < n; ++j) {
      const CandidateRanking& column = r.candidates[j];
      const double p = r.preferences(row.index, column.index);
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} vs {}: "
                         "P = {:.3f}</title></rect>", label + j * cell, label + i * cell, cell, cell,
                         i == j ? "#ddd" : WinRateColour(p), Escape(row.name), Escape(column.name), p);
      if (i != j && cell >= 30) {
        svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"cell\">{:.2f}</text>",
                           label + j * cell + cell / 2, label + i * cell + cell / 2 + 4, p);
      }
    }
    svg += "\n";
  }
  return svg + "</svg>\n<p class=\"note\">Row beats column with probability P: red above 1/2, blue below, white at "
               "1/2 (also where a pair was never compared).</p>\n";
}

std::string Section(const RankingSection& section) {
  const RankingResult& r = *section.ranking;
  std::string html = "<section>\n";
  if (!section.title.empty()) html += fmt::format("<h2>{}</h2>\n", Escape(section.title));
  for (const std::string& warning : section.warnings) {
    html += fmt::format("<p class=\"warning\">warning: {}</p>\n", Escape(warning));
  }
  html += fmt::format("<p>Nash equilibrium (maximal lottery) by {}, duality gap {:.2g}: no candidate beats it more "
                      "often than {:.9f}. Condorcet winner: {}. Top cycle (Smith set): {}.</p>\n",
                      Escape(r.solver), r.duality_gap, 0.5 + r.duality_gap / 2,
                      r.condorcet_winner ? Escape(*r.condorcet_winner) : "none",
                      Escape(fmt::format("{}", fmt::join(r.top_cycle, ", "))));
  if (r.bootstrap > 0) {
    html += fmt::format("<p>95% intervals from {} bootstrap resamples of {}.</p>\n", r.bootstrap,
                        r.bootstrap_clusters > 0 ? fmt::format("the {} clusters", r.bootstrap_clusters)
                                                 : std::string("single comparisons"));
  }
  html += "<h3>Ranking</h3>\n" + Table(r);
  html += "<h3>Equilibrium mixture</h3>\n" + MixtureChart(r);
  html += "<h3>Pairwise win rates</h3>\n" + HeatMap(r);
  return html + "</section>\n";
}

}  // namespace

std::string RankingHtml(const std::string& title, const std::vector<RankingSection>& sections,
                        const std::vector<std::string>& notes) {
  std::string html = fmt::format(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{0}</title>
<style>
body {{ font-family: "DejaVu Sans", sans-serif; margin: 2em; color: #222; }}
table.ranking {{ border-collapse: collapse; font-size: 0.9em; }}
table.ranking th, table.ranking td {{ border-bottom: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right;
  white-space: nowrap; }}
table.ranking td.name {{ text-align: left; }}
svg text.cell {{ font-size: 9px; }}
svg text {{ font-size: 11px; font-family: "DejaVu Sans", sans-serif; }}
rect.bar {{ fill: #3b6ea8; }}
line.whisker {{ stroke: #111; stroke-width: 1.5; }}
p.warning {{ color: #8a4b00; background: #fff4e0; padding: 0.3em 0.6em; }}
p.note {{ color: #555; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{0}</h1>
)", Escape(title));
  for (const RankingSection& section : sections) html += Section(section);
  if (!notes.empty()) {
    html += "<h3>Notes</h3>\n<ul class=\"notes\">\n";
    for (const std::string& note : notes) html += fmt::format("<li>{}</li>\n", Escape(note));
    html += "</ul>\n";
  }
  return html + "<p class=\"note\">Written by nlhf rank.</p>\n</body>\n</html>\n";
}

}  // namespace nlhf
