#include "nlhf/ranking/rank.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "nlhf/random.h"
#include "nlhf/registry.h"
#include "nlhf/ranking/plackett_luce.h"
#include "nlhf/ranking/social_choice.h"
#include "nlhf/solvers/equilibrium_set.h"
#include "nlhf/solvers/max_entropy.h"

namespace nlhf {
namespace {

// Elo points per natural-log unit of strength: a 400-point difference is odds of 10 to 1.
const double kEloPerLogit = 400.0 / std::numbers::ln10;

struct Equilibrium {
  Eigen::VectorXd policy;
  double gap = 0;
  std::string solver;
};

// The solver `nlhf solve` chooses by size (DefaultAlgorithm, nlhf/registry.h), certified to the tolerance;
// the exact LP if that did not get there.
Equilibrium SolveEquilibrium(const Eigen::MatrixXd& preferences, double tolerance) {
  const ZeroSumGame game = ZeroSumGame::FromPreferences(PreferenceGame(preferences, {}, {.symmetry_tolerance = 1e-12}));
  SolveOptions options;
  options.gap_tolerance = tolerance;
  options.polish = true;
  options.max_iterations = 200000;
  SolveResult result = SolveWith(DefaultAlgorithm(game).name, game, options);
  std::string solver = result.algorithm + (result.polished ? ", polished" : "");
  if (!result.converged()) {
    result = SolveWith("lp", game, options);
    solver = "lp";
  }
  return {result.policy[0], result.duality_gap, solver};
}

Interval Percentiles(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    const double position = q * static_cast<double>(values.size() - 1);
    const size_t low = static_cast<size_t>(std::floor(position));
    const size_t high = std::min(low + 1, values.size() - 1);
    return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
  };
  return {at(0.025), at(0.975)};
}

PairwiseTable TableFor(const ComparisonData& data, const std::vector<double>* draws, const std::string& context) {
  if (data.preferences) {
    // A bare matrix: each pair counts as one comparison won P[a][b] by a.
    const Eigen::MatrixXd& p = *data.preferences;
    PairwiseTable table{p, Eigen::MatrixXd::Ones(p.rows(), p.cols())};
    table.wins.diagonal().setZero();
    table.counts.diagonal().setZero();
    return table;
  }
  return Tabulate(data, draws, context);
}

// The table with `prior` pseudo-comparisons per pair split evenly.
PairwiseTable WithPrior(PairwiseTable table, double prior) {
  table.wins.array() += prior;
  table.counts.array() += 2 * prior;
  table.wins.diagonal().setZero();
  table.counts.diagonal().setZero();
  return table;
}

// Where the ratings are pinned: candidate `index` at `rating` (index -1: the mean at 1000).
struct RatingAnchor {
  int index = -1;
  double rating = 1000;
};

struct BradleyTerryFit {
  Eigen::VectorXd log_strengths;
  bool mle_exists = true;
  bool prior_applied = false;  // the MAP under RankOptions::bt_prior_sd, where the MLE does not exist
};

// Bradley–Terry log-strengths of `smoothed` (a table with the options' pseudo-comparisons already added):
// the MLE, or where it does not exist the MAP under the Gaussian prior of RankOptions::bt_prior_sd.
BradleyTerryFit FitBradleyTerry(const PairwiseTable& smoothed, const RankOptions& options) {
  BradleyTerryFit fit;
  fit.mle_exists = BradleyTerryMleExists(smoothed);
  fit.prior_applied = options.bt_prior_sd > 0 && !fit.mle_exists;
  fit.log_strengths = BradleyTerryLogStrengths(smoothed, fit.prior_applied ? options.bt_prior_sd / kEloPerLogit : 0.0);
  return fit;
}

// Bradley–Terry log-strengths on the Elo scale, pinned by the anchor.
Eigen::VectorXd EloRatings(const Eigen::VectorXd& log_strengths, const RatingAnchor& anchor) {
  Eigen::VectorXd ratings = kEloPerLogit * log_strengths;
  const double shift = anchor.index >= 0 ? anchor.rating - ratings[anchor.index] : 1000.0;
  return (ratings.array() + shift).matrix();
}

RatingAnchor ResolveAnchor(const ComparisonData& data, const RankOptions& options) {
  if (!options.anchor) return {};
  const auto& [name, rating] = *options.anchor;
  if (!std::isfinite(rating)) throw InvalidArgument(fmt::format("--anchor {}={}: the rating must be finite", name, rating));
  const auto found = std::find(data.candidates.begin(), data.candidates.end(), name);
  if (found == data.candidates.end()) {
    throw InvalidArgument(fmt::format("--anchor {}: no candidate of that name has comparisons in {}", Excerpt(name),
                                      data.source));
  }
  return {static_cast<int>(found - data.candidates.begin()), rating};
}

// Sorts by NE probability, then P(beats NE), then BT rating: candidates outside the support tie at
// probability 0, and among them the closer to beating the equilibrium comes first. Ranks: candidates
// whose probabilities (and, outside the support, whose chances against the equilibrium) agree within
// rounding share one, so float noise never orders them.
void OrderAndRank(std::vector<CandidateRanking>& candidates) {
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) {
    if (x.ne_probability != y.ne_probability) return x.ne_probability > y.ne_probability;
    if (x.beats_ne_probability != y.beats_ne_probability) return x.beats_ne_probability > y.beats_ne_probability;
    return x.bt_rating > y.bt_rating;
  });
  for (size_t k = 0; k < candidates.size(); ++k) {
    CandidateRanking& c = candidates[k];
    const CandidateRanking* before = k > 0 ? &candidates[k - 1] : nullptr;
    const bool tied = before != nullptr && std::abs(before->ne_probability - c.ne_probability) <= kRankTieTolerance &&
                      (c.ne_probability > kRankTieTolerance ||
                       std::abs(before->beats_ne_probability - c.beats_ne_probability) <= kRankTieTolerance);
    c.rank = tied ? before->rank : static_cast<int>(k) + 1;
  }
}

// Draws for one bootstrap resample: how many times each unit is taken. Units are drawn with
// replacement by their multiplicities, as many as observed; where they have clusters, whole clusters
// are drawn instead (uniformly, as many as there are), each bringing all its units.
class BootstrapSampler {
 public:
  BootstrapSampler(const ComparisonData& data, const std::string& context) : units_(data.units.size()) {
    std::map<std::string, size_t> cluster_index;
    for (size_t u = 0; u < data.units.size(); ++u) {
      const ComparisonUnit& unit = data.units[u];
      if (!context.empty() && unit.context != context) continue;
      if (!unit.cluster.empty()) {
        const auto [it, inserted] = cluster_index.try_emplace(unit.cluster, clusters_.size());
        if (inserted) clusters_.emplace_back();
        clusters_[it->second].push_back(u);
      }
      total_ += unit.multiplicity;
      cumulative_.push_back(total_);
      unit_of_.push_back(u);
    }
  }
  size_t clusters() const { return clusters_.size(); }

  std::vector<double> Draw(Rng& rng, const ComparisonData& data) const {
    std::vector<double> draws(units_, 0.0);
    if (!clusters_.empty()) {
      for (size_t d = 0; d < clusters_.size(); ++d) {
        const size_t c = std::min(static_cast<size_t>(rng.Uniform() * static_cast<double>(clusters_.size())),
                                  clusters_.size() - 1);
        for (size_t u : clusters_[c]) draws[u] += data.units[u].multiplicity;
      }
      return draws;
    }
    const auto count = static_cast<std::int64_t>(std::llround(total_));
    for (std::int64_t d = 0; d < count && !cumulative_.empty(); ++d) {
      const double x = rng.Uniform() * total_;
      const size_t k = std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin();
      draws[unit_of_[std::min(k, unit_of_.size() - 1)]] += 1.0;
    }
    return draws;
  }

 private:
  size_t units_;
  double total_ = 0;
  std::vector<double> cumulative_;  // over the units in context
  std::vector<size_t> unit_of_;     // their indices in data.units
  std::vector<std::vector<size_t>> clusters_;
};

// Which candidates take part in a comparison of `context` (all contexts when empty) with positive weight.
std::vector<char> ComparedCandidates(const ComparisonData& data, const std::string& context) {
  std::vector<char> compared(data.candidates.size(), 0);
  for (const ComparisonUnit& unit : data.units) {
    if (!context.empty() && unit.context != context) continue;
    for (const PairwiseOutcome& o : unit.outcomes) {
      if (o.weight > 0 && unit.multiplicity > 0) compared[o.a] = compared[o.b] = 1;
    }
  }
  return compared;
}

// `data` with only the `compared` candidates, outcomes re-indexed; the names of the others go to `unranked`.
ComparisonData Restricted(const ComparisonData& data, const std::vector<char>& compared, const std::string& context,
                          std::vector<std::string>* unranked) {
  std::vector<int> new_index(data.candidates.size(), -1);
  ComparisonData kept = data;
  kept.candidates.clear();
  for (size_t c = 0; c < data.candidates.size(); ++c) {
    if (compared[c]) {
      new_index[c] = static_cast<int>(kept.candidates.size());
      kept.candidates.push_back(data.candidates[c]);
    } else {
      unranked->push_back(data.candidates[c]);
    }
  }
  if (kept.candidates.size() < 2) {
    throw InvalidArgument(fmt::format("{}{}: {} candidate(s) with comparisons; a ranking needs two", data.source,
                                      context.empty() ? "" : ", context " + context, kept.candidates.size()));
  }
  if (kept.scores) {
    std::vector<int> columns;
    for (size_t c = 0; c < data.candidates.size(); ++c) {
      if (compared[c]) columns.push_back(static_cast<int>(c));
    }
    kept.scores->scores = Eigen::MatrixXd(data.scores->scores(Eigen::indexing::all, columns));
  }
  for (ComparisonUnit& unit : kept.units) {
    std::erase_if(unit.outcomes, [&](const PairwiseOutcome& o) { return new_index[o.a] < 0 || new_index[o.b] < 0; });
    for (PairwiseOutcome& o : unit.outcomes) {
      o.a = new_index[o.a];
      o.b = new_index[o.b];
    }
    std::vector<std::vector<int>> order;
    for (const auto& group : unit.order) {
      std::vector<int> kept_group;
      for (int a : group) {
        if (new_index[a] >= 0) kept_group.push_back(new_index[a]);
      }
      if (!kept_group.empty()) order.push_back(std::move(kept_group));
    }
    unit.order = std::move(order);
  }
  return kept;
}

// The connected parts of the comparison graph: part[a] for each candidate, numbered from 0.
std::vector<int> GraphParts(const Eigen::MatrixXd& counts, int* parts) {
  const Eigen::Index n = counts.rows();
  std::vector<int> part(static_cast<size_t>(n), -1);
  *parts = 0;
  for (Eigen::Index start = 0; start < n; ++start) {
    if (part[start] >= 0) continue;
    std::vector<Eigen::Index> frontier = {start};
    part[start] = *parts;
    while (!frontier.empty()) {
      const Eigen::Index a = frontier.back();
      frontier.pop_back();
      for (Eigen::Index b = 0; b < n; ++b) {
        if (part[b] < 0 && counts(a, b) > 0) {
          part[b] = *parts;
          frontier.push_back(b);
        }
      }
    }
    ++*parts;
  }
  return part;
}

// The table's preferences, never-compared pairs at 1/2 or, with fill_bt, at the Bradley–Terry guess from
// the table's fit `log_strengths`.
Eigen::MatrixXd PreferencesOf(const PairwiseTable& table, const RankOptions& options, const Eigen::VectorXd& log_strengths,
                              std::vector<std::pair<int, int>>* never, std::int64_t* never_count, size_t listed,
                              std::int64_t* filled) {
  Eigen::MatrixXd p = PreferencesFromTable(table, options.prior, never, never_count, listed);
  if (options.fill_bt) {
    std::int64_t count = 0;
    for (Eigen::Index a = 0; a < p.rows(); ++a) {
      for (Eigen::Index b = 0; b < p.cols(); ++b) {
        if (a != b && table.counts(a, b) <= 0) {
          p(a, b) = 1.0 / (1.0 + std::exp(log_strengths[b] - log_strengths[a]));
          ++count;
        }
      }
    }
    if (filled) *filled = count / 2;
  }
  return p;
}

}  // namespace

std::vector<std::string> Contexts(const ComparisonData& data) {
  std::vector<std::string> contexts;
  for (const ComparisonUnit& unit : data.units) {
    if (!unit.context.empty() && std::find(contexts.begin(), contexts.end(), unit.context) == contexts.end()) {
      contexts.push_back(unit.context);
    }
  }
  return contexts;
}

RankingResult Rank(const ComparisonData& data, const RankOptions& options) {
  if (!(options.prior >= 0) || !std::isfinite(options.prior)) {
    throw InvalidArgument(fmt::format("prior = {}. Violated constraint: prior >= 0", options.prior));
  }
  if (options.bootstrap < 0) {
    throw InvalidArgument(fmt::format("bootstrap = {}. Violated constraint: bootstrap >= 0", options.bootstrap));
  }
  if (options.bootstrap > 0 && data.preferences) {
    throw InvalidArgument(fmt::format("{}: --bootstrap needs the individual comparisons; a preference matrix has "
                                      "none to resample", data.source));
  }
  const int n = static_cast<int>(data.candidates.size());
  if (n < 2) throw InvalidArgument(fmt::format("{}: {} candidate(s); a ranking needs two", data.source, n));
  if (!data.preferences) {
    // Candidates without a comparison are ranked apart (copying the data only when there are some).
    const std::vector<char> compared = ComparedCandidates(data, options.context);
    if (std::find(compared.begin(), compared.end(), 0) != compared.end()) {
      std::vector<std::string> unranked;
      RankingResult result = Rank(Restricted(data, compared, options.context, &unranked), options);
      result.unranked = std::move(unranked);
      return result;
    }
  }

  RankingResult result;
  const PairwiseTable table = TableFor(data, nullptr, options.context);
  if (!data.preferences) {
    const std::vector<int> part = GraphParts(table.counts, &result.graph_parts);
    if (result.graph_parts > 1 && options.restrict_connected) {
      // The largest part (by candidates, then by the first to appear) is ranked; the rest named.
      std::vector<int> size(result.graph_parts, 0);
      for (int p : part) ++size[p];
      const int largest = static_cast<int>(std::max_element(size.begin(), size.end()) - size.begin());
      std::vector<char> keep(n);
      for (int a = 0; a < n; ++a) keep[a] = part[a] == largest ? 1 : 0;
      std::vector<std::string> outside;
      RankingResult restricted = Rank(Restricted(data, keep, options.context, &outside), options);
      restricted.graph_parts = result.graph_parts;
      restricted.outside_largest_part = std::move(outside);
      return restricted;
    }
    if (result.graph_parts > 1 && options.fill_bt) {
      throw InvalidArgument(fmt::format("{}: --fill bt needs a connected comparison graph, and this one has {} parts "
                                        "that no comparison relates; --restrict connected ranks the largest",
                                        data.source, result.graph_parts));
    }
  }
  // One table with the pseudo-comparisons and one Bradley–Terry fit serve the ratings, --fill bt, the
  // MLE's existence and the voting rules.
  const PairwiseTable smoothed = WithPrior(table, options.prior);
  const BradleyTerryFit fit = FitBradleyTerry(smoothed, options);
  const Eigen::VectorXd& log_strengths = fit.log_strengths;
  result.bt_prior_applied = fit.prior_applied;
  std::vector<std::pair<int, int>> never;
  result.preferences = data.preferences ? *data.preferences
                                        : PreferencesOf(table, options, log_strengths, &never, &result.never_compared_count,
                                                        kListedNeverCompared, &result.filled_pairs);
  for (const auto& [a, b] : never) result.never_compared.emplace_back(data.candidates[a], data.candidates[b]);

  Equilibrium equilibrium = SolveEquilibrium(result.preferences, options.gap_tolerance);
  std::optional<EquilibriumSet> set;
  const Eigen::MatrixXd skew = result.preferences.array() - 0.5;
  if (CandidatesToBound(skew, equilibrium.policy, kEquilibriumRangeTolerance) <= kMaxEquilibriumSetCandidates) {
    // Is it the only equilibrium? If not, every candidate's range over all of them, and the set's center
    // as the stated tie-break instead of whichever equilibrium the solver reached.
    set = FindEquilibriumSet(skew, equilibrium.policy, kEquilibriumRangeTolerance);
    result.equilibrium_unique = set->unique;
    if (!set->unique) {
      // The maximum-entropy equilibrium (Nash averaging's choice, Balduzzi et al. 2018), certified in the game
      // as solved; the set's center where that is not within the tolerance.
      const ZeroSumGame game = ZeroSumGame::FromPreferences(PreferenceGame(result.preferences, {}, {.symmetry_tolerance = 1e-12}));
      const double worst = (skew * equilibrium.policy).maxCoeff();
      const Eigen::VectorXd max_entropy =
          MaximizeEntropy(-skew, Eigen::VectorXd::Constant(n, -std::max(worst, 0.0)), kEquilibriumRangeTolerance).point;
      const double max_entropy_gap = DualityGap(game, {max_entropy});
      if (max_entropy_gap <= options.gap_tolerance) {
        equilibrium.policy = max_entropy;
        equilibrium.gap = max_entropy_gap;
        equilibrium.solver += "; not unique: the maximum-entropy equilibrium";
        result.tie_break = "maximum entropy";
      } else if (const double center_gap = DualityGap(game, {set->center}); center_gap <= options.gap_tolerance) {
        equilibrium.policy = set->center;
        equilibrium.gap = center_gap;
        equilibrium.solver += "; not unique: the center of the equilibrium set";
        result.tie_break = "center";
      }
    }
  }
  result.duality_gap = equilibrium.gap;
  result.solver = equilibrium.solver;
  const Eigen::VectorXd beats = (result.preferences * equilibrium.policy);  // P(a ≻ π)
  const RatingAnchor anchor = ResolveAnchor(data, options);
  const Eigen::VectorXd ratings = EloRatings(log_strengths, anchor);
  result.bt_prior_sd = options.bt_prior_sd;
  std::optional<Eigen::VectorXd> pl_ratings;
  if (options.context.empty()) {
    if (std::optional<Eigen::VectorXd> pl = PlackettLuceLogStrengths(data)) {
      *pl *= kEloPerLogit;
      const double shift = anchor.index >= 0 ? anchor.rating - (*pl)[anchor.index] : 1000.0;
      pl_ratings = (pl->array() + shift).matrix();
    }
  }
  if (data.scores && options.context.empty()) result.nash_averaging = NashAverage(*data.scores);
  if (!data.preferences) {
    result.bt_mle_exists = fit.mle_exists;
    if (!result.bt_mle_exists) {
      for (int a = 0; a < n; ++a) {
        const double total = smoothed.counts.row(a).sum(), won = smoothed.wins.row(a).sum();
        if (total > 0 && won >= total) result.never_lost.push_back(data.candidates[a]);
        if (total > 0 && won <= 0) result.never_won.push_back(data.candidates[a]);
      }
    }
  }

  for (int a = 0; a < n; ++a) {
    CandidateRanking c;
    c.name = data.candidates[a];
    c.index = a;
    c.ne_probability = equilibrium.policy[a];
    if (set && !set->unique) c.ne_range = Interval{set->lowest[a], set->highest[a]};
    c.beats_ne_probability = beats[a];
    c.bt_rating = ratings[a];
    if (pl_ratings) c.pl_rating = (*pl_ratings)[a];
    if (result.nash_averaging && !std::isnan(result.nash_averaging->skill[a])) {
      c.nash_skill = result.nash_averaging->skill[a];
      c.nash_probability = result.nash_averaging->agent_probability[a];
    }
    c.comparisons = data.preferences ? std::nan("") : table.counts.row(a).sum();
    result.candidates.push_back(c);
  }
  if (const auto winner = CondorcetWinner(result.preferences)) result.condorcet_winner = data.candidates[*winner];
  if (n <= kMaxVotingRuleCandidates) {
    const Eigen::MatrixXd support = data.preferences ? result.preferences : smoothed.wins;
    const auto names = [&](const std::vector<int>& order) {
      std::vector<std::string> out;
      for (int a : order) out.push_back(data.candidates[a]);
      return out;
    };
    result.copeland_order = names(CopelandOrder(support));
    result.schulze_order = names(SchulzeOrder(support));
    result.ranked_pairs_order = names(RankedPairsOrder(support));
    if (n <= kMaxKemenyCandidates) result.kemeny_order = names(KemenyOrder(support));
  }
  const std::vector<int> top_cycle = TopCycle(result.preferences);
  for (int a : top_cycle) result.top_cycle.push_back(data.candidates[a]);
  if (!data.preferences) {
    for (size_t i = 0; i < top_cycle.size(); ++i) {
      for (size_t j = i + 1; j < top_cycle.size(); ++j) {
        result.top_cycle_uncompared_pairs += table.counts(top_cycle[i], top_cycle[j]) <= 0 ? 1 : 0;
      }
    }
  }

  if (options.bootstrap > 0) {
    const BootstrapSampler sampler(data, options.context);
    Rng rng(options.seed);
    std::vector<std::vector<double>> probabilities(n), bootstrap_ratings(n), ranks(n);
    std::vector<int> in_support(n, 0);
    for (int k = 0; k < options.bootstrap; ++k) {
      if (options.progress) options.progress(k, options.bootstrap);
      const std::vector<double> draws = sampler.Draw(rng, data);
      const PairwiseTable resampled = Tabulate(data, &draws, options.context);
      const Eigen::VectorXd resampled_strengths = FitBradleyTerry(WithPrior(resampled, options.prior), options).log_strengths;
      const Eigen::MatrixXd p = PreferencesOf(resampled, options, resampled_strengths, nullptr, nullptr, 0, nullptr);
      const Equilibrium e = SolveEquilibrium(p, options.gap_tolerance);
      const Eigen::VectorXd resampled_ratings = EloRatings(resampled_strengths, anchor);
      const Eigen::VectorXd resampled_beats = p * e.policy;
      std::vector<CandidateRanking> order(n);
      for (int a = 0; a < n; ++a) {
        probabilities[a].push_back(e.policy[a]);
        bootstrap_ratings[a].push_back(resampled_ratings[a]);
        in_support[a] += e.policy[a] > options.support_threshold ? 1 : 0;
        order[a] = {.index = a, .ne_probability = e.policy[a], .beats_ne_probability = resampled_beats[a],
                    .bt_rating = resampled_ratings[a]};
      }
      OrderAndRank(order);
      for (const CandidateRanking& c : order) ranks[c.index].push_back(c.rank);
    }
    if (options.progress) options.progress(options.bootstrap, options.bootstrap);
    for (CandidateRanking& c : result.candidates) {
      c.ne_interval = Percentiles(probabilities[c.index]);
      c.bt_interval = Percentiles(bootstrap_ratings[c.index]);
      const Interval rank = Percentiles(ranks[c.index]);
      c.rank_interval = Interval{std::floor(rank.low), std::ceil(rank.high)};
      c.support_frequency = static_cast<double>(in_support[c.index]) / options.bootstrap;
    }
    result.bootstrap = options.bootstrap;
    result.bootstrap_clusters = static_cast<int>(sampler.clusters());
  }
  OrderAndRank(result.candidates);
  return result;
}

}  // namespace nlhf
