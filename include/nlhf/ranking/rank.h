// The Nash-equilibrium ranking (the maximal lottery: no candidate beats it more than half the time),
// side by side with the Bradley–Terry/Elo ranking that assumes transitivity, with bootstrap intervals.
#ifndef NLHF_RANKING_RANK_H_
#define NLHF_RANKING_RANK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/ranking/comparisons.h"
#include "nlhf/ranking/nash_averaging.h"

namespace nlhf {

inline constexpr double kDefaultBtPriorSd = 400;

struct RankOptions {
  double prior = 0;            // pseudo-comparisons per pair, half won by each side (0: none)
  int bootstrap = 0;           // resamples of the units (0: no intervals)
  std::uint64_t seed = 0;      // for the bootstrap
  double gap_tolerance = 1e-10;  // the equilibrium's certificate must be at least this good
  double support_threshold = 1e-6;
  std::string context;         // rank only this context's units (empty: pooled)
  // Bradley–Terry ratings with this candidate at this rating (unset: mean 1000).
  std::optional<std::pair<std::string, double>> anchor;
  // Where the comparison graph falls apart: rank only its largest connected part (the others are named
  // in RankingResult::outside_largest_part), since no comparison relates the parts.
  bool restrict_connected = false;
  // Pairs never compared get P = σ(r_a − r_b) from the Bradley–Terry fit (with the prior) instead of 1/2
  // (`--fill bt`): the transitive model's guess, stated in the result. Needs a connected graph.
  bool fill_bt = false;
  // Where the Bradley–Terry MLE does not exist (BradleyTerryMleExists), the ratings are the MAP estimate
  // under a N(0, sd²) prior on them, sd in Elo points (400: one logit ≈ 174 points, so an undefeated model
  // lands a few hundred points above the rest, not thousands); 0: no prior (the ridge-held runaway).
  // Where the MLE exists it is used as is. Applied to each bootstrap resample by the same rule.
  double bt_prior_sd = kDefaultBtPriorSd;
  std::function<void(int, int)> progress;  // (resamples done, resamples in all)
};

struct Interval {
  double low = 0;   // 2.5% quantile
  double high = 0;  // 97.5% quantile
};

struct CandidateRanking {
  std::string name;
  int index = 0;                    // in ComparisonData::candidates
  double ne_probability = 0;
  double beats_ne_probability = 0;  // P(candidate ≻ NE) = 1/2 + (Aπ)_a <= 1/2 + gap/2
  double bt_rating = 0;             // Bradley–Terry MLE on the Elo scale (400/ln 10 per logit, mean 1000)
  // Plackett–Luce (nlhf/ranking/plackett_luce.h) on the same scale, where the data are strict rankings.
  std::optional<double> pl_rating;
  // Score tables and judgments: Nash averaging's skill and the agent mixture's probability
  // (nlhf/ranking/nash_averaging.h); unset where not computed or the candidate played no task.
  std::optional<double> nash_skill, nash_probability;
  double comparisons = 0;           // total weight of comparisons involving the candidate
  std::optional<Interval> ne_interval, bt_interval;
  std::optional<Interval> rank_interval;    // 95% of the resamples rank the candidate within it
  std::optional<double> support_frequency;  // fraction of resamples with the candidate in the NE support
  // Where the equilibrium is not unique: the least and most probability the candidate has at any one.
  std::optional<Interval> ne_range;
  int rank = 0;  // 1-based; candidates tied within kRankTieTolerance share one
};

// Candidates (of those as good as the value against the equilibrium found) up to which Rank computes the
// whole equilibrium set: two linear programs each.
inline constexpr int kMaxEquilibriumSetCandidates = 150;
// Probabilities that differ by no more than this are one equilibrium (uniqueness) and one rank.
inline constexpr double kEquilibriumRangeTolerance = 1e-7;
inline constexpr double kRankTieTolerance = 1e-9;

inline constexpr int kListedNeverCompared = 20;

struct RankingResult {
  std::vector<CandidateRanking> candidates;  // by NE probability, then P(beats NE), then BT rating
  // Whether the equilibrium is the only one (checked up to kMaxEquilibriumSetCandidates candidates; unset
  // above). Where it is not, `candidates` hold the equilibrium set's center and each one's range.
  std::optional<bool> equilibrium_unique;
  // Where the equilibrium is not unique, which one `candidates` hold (its gap within the tolerance):
  // "maximum entropy" (the rule; nlhf/solvers/max_entropy.h), "center" (FindEquilibriumSet's center,
  // where the maximum-entropy point's gap was not within it), or empty (the solver's equilibrium).
  std::string tie_break;
  // Whether the Bradley–Terry ratings are maximum-likelihood estimates (with the prior); where not, the
  // candidates that never lost and never won a comparison.
  bool bt_mle_exists = true;
  bool bt_prior_applied = false;  // the ratings are MAP estimates under a N(0, bt_prior_sd²) prior
  double bt_prior_sd = 0;         // RankOptions::bt_prior_sd, in Elo points
  std::vector<std::string> never_lost, never_won;
  double duality_gap = 0;                    // certificate of the equilibrium
  std::string solver;                        // how it was found, e.g. "omwu(eta=1), polished"
  std::optional<std::string> condorcet_winner;
  std::vector<std::string> top_cycle;        // the Smith set
  // The classical voting rules' orders, best first (nlhf/ranking/social_choice.h), over the weighted wins;
  // empty above kMaxVotingRuleCandidates candidates.
  std::vector<std::string> copeland_order, schulze_order, ranked_pairs_order;
  std::vector<std::string> kemeny_order;  // up to kMaxKemenyCandidates candidates
  // Pairs with no comparison (taken as P = 1/2): how many, and the first kListedNeverCompared of them
  // (a sparse set of 5,000 candidates has millions; listing them all would cost more than the ranking).
  std::int64_t never_compared_count = 0;
  std::vector<std::pair<std::string, std::string>> never_compared;
  // Candidates with no comparison at all (in the ranked context): left out of the equilibrium and the
  // ratings, since with P = 1/2 against everyone such a candidate alone would be an equilibrium.
  std::vector<std::string> unranked;
  // Connected parts of the comparison graph (pairs with comparisons as edges); 1 when connected, 0 for a
  // preference matrix (no graph). With restrict_connected: the candidates left out, outside the largest part.
  int graph_parts = 0;
  std::vector<std::string> outside_largest_part;
  std::int64_t filled_pairs = 0;   // never-compared pairs given the Bradley–Terry guess (fill_bt)
  // Pairs inside the top cycle never compared: a top cycle held together only by such pairs is not a
  // cycle of wins but a lack of data.
  std::int64_t top_cycle_uncompared_pairs = 0;
  // Score tables and judgments (pooled, not --restrict'ed): agents against tasks, beside the NE and BT.
  std::optional<NashAveraging> nash_averaging;
  Eigen::MatrixXd preferences;               // the P that was solved (over the ranked candidates)
  int bootstrap = 0;
  // Clusters the bootstrap resampled whole (units that share ComparisonUnit::cluster); 0: it resampled
  // units one by one.
  int bootstrap_clusters = 0;
};

// Resamples (RankOptions::bootstrap) draw the units with replacement, as many as observed (PrefLib
// ballots by their counts); where the units have clusters, the clusters instead (all of a cluster's units
// together), so that correlated comparisons (many battles on one question) do not pass for independent.
RankingResult Rank(const ComparisonData& data, const RankOptions& options);

// The ranking as one JSON object, the form `nlhf rank --json` prints and `nlhf.rank` returns; its keys
// are listed in docs/ranking.md ("JSON"); null where a value is absent or not finite.
std::string RankingJson(const RankingResult& ranking);

// The distinct non-empty contexts of the units, in order of first appearance.
std::vector<std::string> Contexts(const ComparisonData& data);

// Bradley–Terry log-strengths r (P(a ≻ b) = σ(r_a − r_b)) maximizing the likelihood of the table's wins,
// by Newton's method; mean zero. With `prior_sd` > 0, the maximum a posteriori estimate under a N(0, sd²)
// prior on each r (in logits); without, a 1e-6 ridge that only matters where the MLE does not exist (a
// candidate that never wins or never loses).
Eigen::VectorXd BradleyTerryLogStrengths(const PairwiseTable& table, double prior_sd = 0);

// Whether the Bradley–Terry maximum-likelihood estimate exists (Zermelo 1929; Ford 1957): for every split
// of the candidates into two groups, someone in each group beat someone in the other, i.e. the graph with
// an edge a → b wherever a won (part of) a comparison with b is strongly connected. Where it is not, some
// ratings run off to ±∞ and only the ridge holds them.
bool BradleyTerryMleExists(const PairwiseTable& table);

// Candidates a with P[a][b] > 1/2 against every other b, if there is one.
std::optional<int> CondorcetWinner(const Eigen::MatrixXd& preferences);

// The Smith set (top cycle): the smallest set whose members each beat (P > 1/2) every outsider, found as
// the candidates that reach every other through "beats or ties" (P >= 1/2) relations. Sorted indices.
std::vector<int> TopCycle(const Eigen::MatrixXd& preferences);

}  // namespace nlhf

#endif  // NLHF_RANKING_RANK_H_
