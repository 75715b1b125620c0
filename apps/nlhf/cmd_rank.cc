// nlhf rank FILE: comparison data in, the Nash-equilibrium ranking (with Bradley–Terry beside it) out.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/trace_csv.h"
#include "nlhf/ranking/rank.h"
#include "nlhf/ranking/ranking_html.h"
#include "nlhf/ranking/readers.h"

namespace nlhf::cli {
namespace {

std::string RankingCsv(const RankingResult& r) {
  std::string csv = "rank,candidate,ne_probability,beats_ne_probability,bt_rating,comparisons";
  if (r.bootstrap > 0) csv += ",ne_low,ne_high,bt_low,bt_high,support_frequency,rank_low,rank_high";
  if (r.nash_averaging) csv += ",nash_skill,nash_probability";
  csv += "\n";
  for (const CandidateRanking& c : r.candidates) {
    csv += fmt::format("{},{},{:.17g},{:.17g},{:.17g},{}", c.rank, CsvField(c.name), c.ne_probability, c.beats_ne_probability, c.bt_rating,
                       std::isfinite(c.comparisons) ? fmt::format("{:g}", c.comparisons) : "");
    if (r.bootstrap > 0) {
      csv += fmt::format(",{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:g},{:g}", c.ne_interval->low, c.ne_interval->high,
                         c.bt_interval->low, c.bt_interval->high, *c.support_frequency, c.rank_interval->low,
                         c.rank_interval->high);
    }
    if (r.nash_averaging) {
      csv += c.nash_skill ? fmt::format(",{:.17g},{:.17g}", *c.nash_skill, *c.nash_probability) : std::string(",,");
    }
    csv += "\n";
  }
  return csv;
}

void PrintRanking(const RankingResult& r) {
  std::cout << fmt::format("Nash equilibrium (maximal lottery) by {}: duality gap {:.2g}\n", r.solver, r.duality_gap);
  std::cout << fmt::format("  no candidate beats it more often than {:.9f}\n", 0.5 + r.duality_gap / 2);
  std::cout << fmt::format("Condorcet winner: {}\n", r.condorcet_winner ? *r.condorcet_winner : "none");
  std::cout << fmt::format("top cycle (Smith set): {}{}\n", fmt::join(r.top_cycle, ", "),
                           r.top_cycle_uncompared_pairs > 0
                               ? fmt::format(" ({} pair(s) in it never compared: held together by missing data, not "
                                             "by a cycle of wins)", r.top_cycle_uncompared_pairs)
                               : "");
  const auto order = [](const std::vector<std::string>& names) {
    const std::vector<std::string> shown(names.begin(), names.begin() + std::min<size_t>(names.size(), 10));
    return fmt::format("{}{}", fmt::join(shown, " > "), names.size() > 10 ? " > ..." : "");
  };
  if (!r.schulze_order.empty()) {
    std::cout << fmt::format("voting rules: Schulze {}; ranked pairs {}; Copeland {}{}\n", order(r.schulze_order),
                             order(r.ranked_pairs_order), order(r.copeland_order),
                             r.kemeny_order.empty() ? "" : "; Kemeny " + order(r.kemeny_order));
  }
  if (const auto& a = r.nash_averaging) {
    std::vector<size_t> heaviest(a->tasks.size());
    for (size_t t = 0; t < heaviest.size(); ++t) heaviest[t] = t;
    std::stable_sort(heaviest.begin(), heaviest.end(),
                     [&](size_t x, size_t y) { return a->task_probability[x] > a->task_probability[y]; });
    std::vector<std::string> shown;
    for (size_t k = 0; k < std::min<size_t>(heaviest.size(), 5); ++k) {
      if (a->task_probability[heaviest[k]] <= 1e-9) break;
      shown.push_back(fmt::format("{} ({:.3f})", a->tasks[heaviest[k]], a->task_probability[heaviest[k]]));
    }
    std::cout << fmt::format("Nash averaging (agents vs {} tasks{}): value {:.6g}, duality gap {:.2g}; the task "
                             "mixture's heaviest: {}\n", a->tasks.size(),
                             a->skipped_tasks > 0 ? fmt::format(", {} with a missing score left out", a->skipped_tasks)
                                                  : std::string(),
                             a->value, a->duality_gap, fmt::join(shown, ", "));
  }
  if (r.bootstrap > 0) {
    std::cout << fmt::format("95% intervals from {} bootstrap resamples of {}\n", r.bootstrap,
                             r.bootstrap_clusters > 0 ? fmt::format("the {} clusters", r.bootstrap_clusters)
                                                      : std::string("single comparisons"));
  }
  size_t width = 9;
  for (const auto& c : r.candidates) width = std::max(width, c.name.size());
  const bool intervals = r.bootstrap > 0;
  std::cout << fmt::format("{:>4}", "rank");
  if (intervals) std::cout << fmt::format("  {:>7}", "95% int");
  std::cout << fmt::format("  {:<{}}  {:>8}", "candidate", width, "NE prob");
  if (intervals) std::cout << fmt::format("  {:>17}", "95% interval");
  std::cout << fmt::format("  {:>11}  {:>9}", "P(beats NE)", "BT rating");
  const bool plackett_luce = !r.candidates.empty() && r.candidates.front().pl_rating.has_value();
  if (intervals) std::cout << fmt::format("  {:>13}  {:>10}", "95% interval", "in support");
  if (plackett_luce) std::cout << fmt::format("  {:>9}", "PL rating");
  const bool nash = r.nash_averaging.has_value();
  if (nash) std::cout << fmt::format("  {:>10}", "Nash skill");
  std::cout << fmt::format("  {:>11}\n", "comparisons");
  for (size_t k = 0; k < r.candidates.size(); ++k) {
    const CandidateRanking& c = r.candidates[k];
    std::cout << fmt::format("{:>4}", c.rank);
    if (intervals) {
      std::cout << fmt::format("  {:>7}", fmt::format("{:g}-{:g}", c.rank_interval->low, c.rank_interval->high));
    }
    std::cout << fmt::format("  {:<{}}  {:>8.4f}", c.name, width, c.ne_probability);
    if (intervals) std::cout << fmt::format("  [{:.4f}, {:.4f}]", c.ne_interval->low, c.ne_interval->high);
    std::cout << fmt::format("  {:>11.4f}  {:>9.1f}", c.beats_ne_probability, c.bt_rating);
    if (intervals) {
      std::cout << fmt::format("  [{:>5.0f}, {:>5.0f}]  {:>9.0f}%", c.bt_interval->low, c.bt_interval->high,
                               100 * *c.support_frequency);
    }
    if (plackett_luce) std::cout << fmt::format("  {:>9.1f}", *c.pl_rating);
    if (nash) std::cout << fmt::format("  {:>10}", c.nash_skill ? fmt::format("{:.4g}", *c.nash_skill) : "—");
    std::cout << fmt::format("  {:>11}\n", std::isfinite(c.comparisons) ? fmt::format("{:g}", c.comparisons) : "—");
  }
}

// The first ten of `total` items, joined by commas, with ", ..." when there are more.
std::string FirstTen(const std::vector<std::string>& items, size_t total) {
  const std::vector<std::string> shown(items.begin(), items.begin() + std::min<size_t>(items.size(), 10));
  return fmt::format("{}{}", fmt::join(shown, ", "), total > 10 ? ", ..." : "");
}

// What the ranking's reader should know before trusting it, one sentence each (printed on stderr and
// shown on the --html page).
std::vector<std::string> Warnings(const RankingResult& ranking) {
  std::vector<std::string> warnings;
  if (!ranking.never_compared.empty()) {
    std::vector<std::string> pairs;
    for (const auto& [a, b] : ranking.never_compared) pairs.push_back(a + " vs " + b);
    warnings.push_back(fmt::format(
        "{} pair(s) never compared, {}: {}", ranking.never_compared_count,
        ranking.filled_pairs > 0 ? "given the Bradley-Terry fit's P (--fill bt)"
                                 : "taken as P = 1/2 (--prior A adds pseudo-counts, --fill bt the Bradley-Terry guess)",
        FirstTen(pairs, static_cast<size_t>(ranking.never_compared_count))));
  }
  if (ranking.graph_parts > 1 && ranking.outside_largest_part.empty()) {
    warnings.push_back(fmt::format("the comparison graph falls into {} parts that no comparison relates: the data "
                                   "says nothing of how one part's candidates compare with another's; --restrict "
                                   "connected ranks the largest part", ranking.graph_parts));
  } else if (ranking.graph_parts > 1) {
    warnings.push_back(fmt::format("the comparison graph falls into {} parts; ranked: the largest; left out: {}",
                                   ranking.graph_parts,
                                   FirstTen(ranking.outside_largest_part, ranking.outside_largest_part.size())));
  }
  if (ranking.equilibrium_unique == false) {
    std::vector<std::string> varying;
    for (const CandidateRanking& c : ranking.candidates) {
      if (c.ne_range && c.ne_range->high - c.ne_range->low > kEquilibriumRangeTolerance) {
        varying.push_back(fmt::format("{} [{:.4f}, {:.4f}]", c.name, c.ne_range->low, c.ne_range->high));
      }
    }
    warnings.push_back(fmt::format("the equilibrium is not unique (often: candidates never compared with each "
                                   "other); shown is {}; probability ranges over all equilibria: {}",
                                   ranking.tie_break == "maximum entropy" ? "the one of maximal entropy"
                                   : ranking.tie_break == "center"        ? "the center of the equilibrium set"
                                                                          : "the equilibrium the solver found",
                                   FirstTen(varying, varying.size())));
  }
  if (!ranking.bt_mle_exists) {
    warnings.push_back(fmt::format(
        "the Bradley-Terry maximum-likelihood ratings do not exist (the win graph is not strongly connected; never "
        "lost: {}; never won: {}); {}",
        ranking.never_lost.empty() ? "none" : FirstTen(ranking.never_lost, ranking.never_lost.size()),
        ranking.never_won.empty() ? "none" : FirstTen(ranking.never_won, ranking.never_won.size()),
        ranking.bt_prior_applied
            ? fmt::format("the ratings shown are MAP estimates under a normal prior of SD {:g} Elo points (--bt-prior)",
                          ranking.bt_prior_sd)
            : "the ratings shown are held finite by a 1e-6 ridge and mean little at the extremes; --bt-prior SD "
              "or --prior A gives finite ones"));
  }
  if (ranking.bootstrap_clusters > 0 && ranking.bootstrap_clusters < 20) {
    warnings.push_back(fmt::format("the bootstrap resampled only {} clusters; intervals from so few are rough",
                                   ranking.bootstrap_clusters));
  }
  if (!ranking.unranked.empty()) {
    warnings.push_back(fmt::format("{} candidate(s) with no comparison left out of the ranking: {}",
                                   ranking.unranked.size(), FirstTen(ranking.unranked, ranking.unranked.size())));
  }
  return warnings;
}

}  // namespace

void SetupRank(CLI::App& command, RankArgs& args) {
  command.add_option("FILE", args.file,
                     "Comparison data: battle log (CSV, JSON Lines, JSON array of records), judgments (model, item, "
                     "score), pairwise scores, score table, PrefLib file, or a preference matrix; - reads standard "
                     "input")
      ->required();
  command.add_option("--format", args.format, "Input format (default: detected)")
      ->check(CLI::IsMember({"battles", "judgments", "pairwise", "score-table", "preflib", "matrix"}));
  command.add_option("--model-a", args.model_a_column, "Battles: the column (JSON field) of the first model")
      ->default_str("model_a");
  command.add_option("--model-b", args.model_b_column, "Battles: the column (JSON field) of the second model")
      ->default_str("model_b");
  command.add_option("--winner", args.winner_column,
                     "Battles: the outcome column: model_a|a|model_b|b|tie|draw, a model's name, or a number on "
                     "--score-range; without it, one-hot winner_model_a, winner_model_b[, winner_tie]")
      ->default_str("winner");
  command.add_option("--model-column", args.model_column, "Judgments: the column (JSON field) of the model judged")
      ->default_str("model");
  command.add_option("--item-column", args.item_columns,
                     "Judgments: the column(s) naming the item judged, e.g. question_id,turn (default: the first of "
                     "question_id, item, prompt_id, ... present, with turn where there is one)")
      ->delimiter(',');
  command.add_option("--score-column", args.score_column, "Judgments: the score column (higher is better)")
      ->default_str("score");
  command.add_option("--context", args.context_column,
                     "Battles: the column naming the context (e.g. category), for --per-context; the bootstrap "
                     "resamples by it only with --cluster");
  command.add_option("--weight", args.weight_column, "Battles: a column of non-negative weights");
  command.add_option("--score-range", args.score_range, "Pairwise scores: LO,HI, a loss and a win (e.g. -1000,1000; default 0,1). Battles: the "
                     "winner values for model_b and model_a (AlpacaEval's preference: 2,1)")
      ->delimiter(',')
      ->expected(2);
  command.add_option("--cluster", args.cluster_column,
                     "Battles, judgments: the column grouping comparisons that --bootstrap resamples together (e.g. "
                     "question_id); without it, single comparisons are resampled");
  command.add_option("--anchor", args.anchor, "MODEL=RATING: Bradley-Terry ratings with MODEL at RATING (default: "
                     "mean 1000)");
  command.add_option("--restrict", args.restrict_to,
                     "connected: where the comparison graph falls apart, rank only its largest connected part")
      ->check(CLI::IsMember({"connected"}));
  command.add_option("--fill", args.fill,
                     "bt: pairs never compared get the Bradley-Terry fit's P instead of 1/2 (a transitive guess, "
                     "stated in the output)")
      ->check(CLI::IsMember({"bt"}));
  command.add_flag("--transpose", args.transpose,
                   "Score tables: rows are candidates and columns tasks (a leaderboard export); read swapped");
  command.add_flag("--per-context", args.per_context, "One ranking per context instead of pooling them");
  AddNonNegative(command, "--prior", args.prior, "Pseudo-comparisons per pair, half won by each side");
  AddNonNegative(command, "--bt-prior", args.bt_prior,
                 "Where the Bradley-Terry MLE does not exist (someone never lost or never won): ratings are MAP "
                 "estimates under a normal prior of this SD in Elo points; 0: none (the runaway ratings)")
      ->default_str(fmt::format("{:g}", kDefaultBtPriorSd));
  AddNonNegative(command, "--bootstrap", args.bootstrap, "Resamples for 95% intervals and support frequencies");
  command.add_option("--csv", args.csv, "Also write the table to this CSV file");
  command.add_option("--html", args.html,
                     "Also write a self-contained leaderboard page (table, equilibrium bar chart, win-rate heat map)");
  AddCommonFlags(command, args.common, true);
}

int RunRank(const RankArgs& args) {
  if (!args.csv.empty()) CheckOutputFile("--csv", args.csv);
  if (!args.html.empty()) CheckOutputFile("--html", args.html);
  ComparisonReadOptions read;
  read.format = args.format;
  if (!args.model_a_column.empty()) read.model_a_column = args.model_a_column;
  if (!args.model_b_column.empty()) read.model_b_column = args.model_b_column;
  if (!args.winner_column.empty()) read.winner_column = args.winner_column;
  if (!args.model_column.empty()) read.model_column = args.model_column;
  if (!args.score_column.empty()) read.score_column = args.score_column;
  read.item_columns = args.item_columns;
  read.context_column = args.context_column;
  read.weight_column = args.weight_column;
  read.cluster_column = args.cluster_column;
  read.transpose = args.transpose;
  if (!args.score_range.empty()) {
    read.score_low = args.score_range[0];
    read.score_high = args.score_range[1];
    read.score_range_given = true;
  }
  const ComparisonData data = ReadComparisonFile(args.file, read);
  if (args.per_context && args.context_column.empty()) {
    throw InvalidArgument("--per-context needs --context COLUMN (the column that names each comparison's context)");
  }

  RankOptions options;
  options.prior = args.prior;
  options.bt_prior_sd = args.bt_prior;
  options.bootstrap = args.bootstrap;
  options.seed = args.common.seed;
  options.restrict_connected = args.restrict_to == "connected";
  options.fill_bt = args.fill == "bt";
  if (!args.anchor.empty()) {
    const size_t equals = args.anchor.rfind('=');
    double rating = 0;
    const std::string number = equals == std::string::npos ? "" : args.anchor.substr(equals + 1);
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), rating);
    if (equals == std::string::npos || equals == 0 || number.empty() || error != std::errc() ||
        end != number.data() + number.size() || !std::isfinite(rating)) {
      throw InvalidArgument(fmt::format("--anchor {}: expected MODEL=RATING, e.g. gpt-4-0613=1000", args.anchor));
    }
    options.anchor = std::make_pair(args.anchor.substr(0, equals), rating);
  }
  if (ProgressWanted() && args.bootstrap > 0) {
    options.progress = [](int done, int total) {
      std::cerr << fmt::format("\r\033[Kbootstrap {}/{}", done, total) << (done == total ? "\n" : "") << std::flush;
    };
  }
  std::vector<std::string> contexts = {""};
  if (args.per_context) contexts = Contexts(data);

  nlohmann::json per_context = nlohmann::json::array();
  std::string csv;
  std::vector<RankingSection> sections;
  std::vector<RankingResult> rankings;
  rankings.reserve(contexts.size());
  for (const std::string& context : contexts) {
    options.context = context;
    const RankingResult ranking = Rank(data, options);
    const std::string where = context.empty() ? "" : "context " + context + ": ";
    std::vector<std::string> warnings = Warnings(ranking);
    for (const std::string& warning : warnings) std::cerr << "nlhf: warning: " << where << warning << "\n";
    sections.push_back({context.empty() ? "" : "context " + context, nullptr, std::move(warnings)});
    rankings.push_back(ranking);
    if (args.common.json) {
      nlohmann::json entry = nlohmann::json::parse(RankingJson(ranking));
      if (args.per_context) entry["context"] = context;
      per_context.push_back(entry);
    } else {
      if (args.per_context) std::cout << fmt::format("\n== context {} ==\n", context);
      else std::cout << fmt::format("{}: {} candidates ({})\n", args.file, data.candidates.size(), data.format);
      PrintRanking(ranking);
    }
    csv += args.per_context ? fmt::format("# context {}\n{}", context, RankingCsv(ranking)) : RankingCsv(ranking);
  }
  if (!args.csv.empty()) WriteFileAtomically(args.csv, csv);
  if (!args.html.empty()) {
    for (size_t k = 0; k < sections.size(); ++k) sections[k].ranking = &rankings[k];
    std::vector<std::string> notes = data.notes;
    notes.insert(notes.begin(), fmt::format("{}: {} candidates ({})", args.file, data.candidates.size(), data.format));
    WriteFileAtomically(args.html, RankingHtml(fmt::format("Ranking of {}", std::filesystem::path(args.file).filename().string()),
                                               sections, notes));
  }
  if (args.common.json) {
    nlohmann::json out = args.per_context ? nlohmann::json{{"contexts", per_context}} : per_context[0];
    out["file"] = args.file;
    out["format"] = data.format;
    out["notes"] = data.notes;
    PrintJson(out);
  } else {
    for (const std::string& note : data.notes) std::cout << "note: " << note << "\n";
  }
  return 0;
}

}  // namespace nlhf::cli
