#include "nlhf/ranking/rank.h"

#include <fmt/format.h>

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "nlhf/random.h"
#include "nlhf/ranking/readers.h"
#include "nlhf/solvers/exact_lp.h"
#include "testing.h"

namespace nlhf {
namespace {

std::string Fixture(const std::string& name) { return std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/" + name; }

const CandidateRanking& Find(const RankingResult& r, const std::string& name) {
  for (const auto& c : r.candidates) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no candidate " + name);
}

// The equilibrium agrees with the exact LP: both certified to 1e-9 on the same P (an NE may be
// non-unique, so the certificate, not the vector, is compared), and equal where the LP's is unique.
void ExpectAgreesWithLp(const RankingResult& r) {
  const ZeroSumGame game = ZeroSumGame::FromPreferences(PreferenceGame(r.preferences));
  const SolveResult lp = SolveExactLp(game, testing::PlainOptions(0));
  EXPECT_LE(lp.duality_gap, 1e-9);
  EXPECT_LE(r.duality_gap, 1e-9);
  Eigen::VectorXd pi(r.candidates.size());
  for (const auto& c : r.candidates) pi[c.index] = c.ne_probability;
  EXPECT_NEAR(DualityGap(game, {pi}), r.duality_gap, 1e-15);
}

TEST(Rank, SoccerEquilibriumIsSupportedOnAgents1_8_9) {
  const RankingResult r = Rank(ReadComparisonFile(std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt"), {});
  ExpectAgreesWithLp(r);
  std::vector<std::string> support;
  for (const auto& c : r.candidates) {
    if (c.ne_probability > 1e-6) support.push_back(c.name);
  }
  std::sort(support.begin(), support.end());
  EXPECT_EQ(support, (std::vector<std::string>{"1", "8", "9"}));
  EXPECT_EQ(r.candidates[0].name, "1");
  EXPECT_FALSE(r.condorcet_winner.has_value());
  EXPECT_THROW_WITH(Rank(ReadComparisonFile(std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt"), {.bootstrap = 5}),
                    InvalidArgument, "--bootstrap needs the individual comparisons");
}

TEST(Rank, BattleCycleGivesTheUniformLotteryOverTheCycle) {
  const RankingResult r = Rank(ReadComparisonFile(Fixture("battles.csv")), {});
  ExpectAgreesWithLp(r);
  for (const char* name : {"a", "b", "c"}) EXPECT_NEAR(Find(r, name).ne_probability, 1.0 / 3, 1e-9);
  EXPECT_EQ(Find(r, "d").ne_probability, 0.0);
  EXPECT_EQ(r.top_cycle, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(r.condorcet_winner.has_value());
  EXPECT_EQ(Find(r, "a").comparisons, 10);
  EXPECT_EQ(Find(r, "d").comparisons, 4);
  EXPECT_LT(Find(r, "d").bt_rating, Find(r, "a").bt_rating - 100);
}

// Three-candidate cycle A > B > C > A from 9 full rankings: the NE is the kernel vector (5, 1, 3)/9.
TEST(Rank, PreflibCycleMatchesTheClosedForm) {
  const RankingResult r = Rank(ReadComparisonFile(Fixture("votes.soc")), {});
  ExpectAgreesWithLp(r);
  EXPECT_NEAR(Find(r, "A").ne_probability, 5.0 / 9, 1e-9);
  EXPECT_NEAR(Find(r, "B").ne_probability, 1.0 / 9, 1e-9);
  EXPECT_NEAR(Find(r, "C").ne_probability, 3.0 / 9, 1e-9);
}

TEST(Rank, CondorcetWinnerTakesAllTheEquilibrium) {
  const RankingResult r = Rank(ReadComparisonFile(Fixture("votes.toi")), {});
  ExpectAgreesWithLp(r);
  ASSERT_TRUE(r.condorcet_winner.has_value());
  EXPECT_EQ(*r.condorcet_winner, "Alice");
  EXPECT_EQ(r.top_cycle, (std::vector<std::string>{"Alice"}));
  EXPECT_NEAR(r.candidates[0].ne_probability, 1.0, 1e-12);
}

TEST(Rank, PairwiseAndScoreTableInputsAreCertified) {
  ExpectAgreesWithLp(Rank(ReadComparisonFile(Fixture("pairwise.csv"), {.score_low = -1000, .score_high = 1000}), {}));
  const RankingResult table = Rank(ReadComparisonFile(Fixture("scores.tsv")), {});
  ExpectAgreesWithLp(table);
  EXPECT_EQ(table.top_cycle, (std::vector<std::string>{"alpha", "beta"}));
}

TEST(Rank, NeverComparedPairsAreListedAndAPriorFillsThem) {
  const ComparisonData data = ReadComparisonFile(Fixture("battles.csv"), {.context_column = "question_id"});
  const RankingResult q1 = Rank(data, {.context = "q1"});
  EXPECT_EQ(q1.never_compared.size(), 2u);  // b–d and c–d
  EXPECT_EQ(q1.never_compared_count, 2);
  const RankingResult with_prior = Rank(data, {.prior = 1, .context = "q1"});
  EXPECT_TRUE(with_prior.never_compared.empty());
  EXPECT_EQ(Contexts(data), (std::vector<std::string>{"q1", "q2", "q3"}));
}

TEST(Rank, BootstrapIsReproducibleAndItsIntervalsCoverTheEstimate) {
  const ComparisonData data = ReadComparisonFile(Fixture("votes.soc"));
  const RankingResult first = Rank(data, {.bootstrap = 40, .seed = 3});
  const RankingResult second = Rank(data, {.bootstrap = 40, .seed = 3});
  const RankingResult other = Rank(data, {.bootstrap = 40, .seed = 4});
  bool differs = false;
  for (size_t k = 0; k < first.candidates.size(); ++k) {
    const CandidateRanking& c = first.candidates[k];
    ASSERT_TRUE(c.ne_interval && c.bt_interval && c.support_frequency);
    EXPECT_EQ(c.ne_interval->low, second.candidates[k].ne_interval->low);
    EXPECT_LE(c.ne_interval->low, c.ne_interval->high);
    EXPECT_LE(c.bt_interval->low, c.bt_rating + 1e-9);
    EXPECT_GE(c.bt_interval->high, c.bt_rating - 1e-9);
    EXPECT_GE(*c.support_frequency, 0.0);
    EXPECT_LE(*c.support_frequency, 1.0);
    differs = differs || c.bt_interval->low != other.candidates[k].bt_interval->low;
  }
  EXPECT_TRUE(differs) << "another seed draws other resamples";
}

// Battles on one question share its difficulty: here every question's 10 battles of each pair end the
// same way. Resampling battles treats them as 10× the evidence they are; resampling questions (the
// clustered bootstrap) does not, and its intervals are wider by about √10.
TEST(Rank, ClusteredBootstrapWidensTheIntervalsOfCorrelatedBattles) {
  Rng rng(11);
  std::string csv = "question_id,model_a,model_b,winner\n";
  for (int q = 0; q < 30; ++q) {
    // Each question ranks the three models; a tends to win.
    std::vector<std::string> order = {"a", "b", "c"};
    if (rng.Uniform() < 0.35) std::swap(order[0], order[1]);
    if (rng.Uniform() < 0.35) std::swap(order[1], order[2]);
    for (int repeat = 0; repeat < 10; ++repeat) {
      csv += fmt::format("q{},{},{},model_a\nq{},{},{},model_a\nq{},{},{},model_b\n", q, order[0], order[1], q,
                         order[1], order[2], q, order[2], order[0]);
    }
  }
  const ComparisonData battles = ParseBattles(csv, "clustered.csv", {});
  const ComparisonData clustered = ParseBattles(csv, "clustered.csv", {.cluster_column = "question_id"});
  const RankingResult plain = Rank(battles, {.bootstrap = 200, .seed = 1});
  const RankingResult by_question = Rank(clustered, {.bootstrap = 200, .seed = 1});
  EXPECT_EQ(plain.bootstrap_clusters, 0);
  EXPECT_EQ(by_question.bootstrap_clusters, 30);
  for (const char* name : {"a", "b", "c"}) {
    const Interval p = *Find(plain, name).bt_interval, q = *Find(by_question, name).bt_interval;
    EXPECT_NEAR(Find(plain, name).bt_rating, Find(by_question, name).bt_rating, 1e-9);  // same point estimate
    EXPECT_GT(q.high - q.low, 2.0 * (p.high - p.low)) << name;
  }
}

// Rank intervals: 95% of the resamples rank a candidate within its interval. `top` beats everyone (a
// Condorcet winner, the whole equilibrium); the others are ranked by their chance against it: mid
// (1/4) clearly second, low and twin (1/10 each) tied for third in the data and splitting third and
// fourth between them in the resamples.
TEST(Rank, RankIntervalsFollowTheResamples) {
  std::string csv = "model_a,model_b,winner\n";
  for (int k = 0; k < 200; ++k) {
    csv += fmt::format("top,mid,{}\n", k % 4 == 0 ? "model_b" : "model_a");
    csv += fmt::format("top,low,{}\ntop,twin,{}\n", k % 10 == 0 ? "model_b" : "model_a",
                       k % 10 == 5 ? "model_b" : "model_a");
  }
  const RankingResult r = Rank(ParseBattles(csv, "ranks.csv", {}), {.bootstrap = 100, .seed = 2});
  ASSERT_TRUE(Find(r, "top").rank_interval);
  EXPECT_EQ(Find(r, "low").rank, 3);
  EXPECT_EQ(Find(r, "twin").rank, 3);
  EXPECT_EQ(Find(r, "top").rank_interval->low, 1);
  EXPECT_EQ(Find(r, "top").rank_interval->high, 1);
  EXPECT_EQ(Find(r, "mid").rank_interval->low, 2);
  EXPECT_EQ(Find(r, "mid").rank_interval->high, 2);
  for (const char* name : {"low", "twin"}) {
    EXPECT_EQ(Find(r, name).rank_interval->low, 3) << name;
    EXPECT_EQ(Find(r, name).rank_interval->high, 4) << name;
  }
  EXPECT_THAT(RankingJson(r), ::testing::HasSubstr("\"rank_interval\":[1.0,1.0]"));
}

// --anchor shifts the Bradley–Terry ratings (differences unchanged) so that one model has the stated
// rating, in every resample too.
TEST(Rank, AnchorPinsOneRating) {
  const ComparisonData data = ReadComparisonFile(Fixture("battles.csv"));
  const RankingResult mean = Rank(data, {});
  const RankingResult anchored = Rank(data, {.bootstrap = 20, .anchor = std::make_pair("b", 1200.0)});
  EXPECT_DOUBLE_EQ(Find(anchored, "b").bt_rating, 1200.0);
  EXPECT_NEAR(Find(anchored, "a").bt_rating - Find(anchored, "d").bt_rating,
              Find(mean, "a").bt_rating - Find(mean, "d").bt_rating, 1e-9);
  EXPECT_DOUBLE_EQ(Find(anchored, "b").bt_interval->low, 1200.0);
  EXPECT_DOUBLE_EQ(Find(anchored, "b").bt_interval->high, 1200.0);
  EXPECT_THROW_WITH(Rank(data, {.anchor = std::make_pair("zed", 1000.0)}), InvalidArgument, "--anchor zed",
                    "no candidate");
}

// Two groups that never met: the data cannot order one against the other. Rank says so (two parts), and
// its top cycle is held together by never-compared pairs, which it counts; --restrict connected ranks the
// larger group alone, naming the rest; --fill bt refuses (the Bradley–Terry fit cannot relate them either).
TEST(Rank, DisconnectedComparisonGraphsAreReportedAndCanBeRestricted) {
  const ComparisonData data =
      ParseBattles("model_a,model_b,winner\na,b,model_a\nb,c,model_a\nc,a,model_a\nx,y,model_a\n", "parts.csv", {});
  const RankingResult all = Rank(data, {});
  EXPECT_EQ(all.graph_parts, 2);
  EXPECT_EQ(all.top_cycle_uncompared_pairs, 6);  // a, b, c each with x, y
  const RankingResult largest = Rank(data, {.restrict_connected = true});
  EXPECT_EQ(largest.graph_parts, 2);
  EXPECT_EQ(largest.outside_largest_part, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(largest.candidates.size(), 3u);
  for (const CandidateRanking& c : largest.candidates) EXPECT_NEAR(c.ne_probability, 1.0 / 3, 1e-9) << c.name;
  EXPECT_EQ(largest.top_cycle_uncompared_pairs, 0);
  EXPECT_THROW_WITH(Rank(data, {.fill_bt = true}), InvalidArgument, "--fill bt needs a connected comparison graph");
}

// One baseline B met by every model (AlpacaEval's design): on a star the Bradley–Terry fit is exact,
// r_m − r_B = logit(m's win rate against B), so --fill bt gives P(m1 ≻ m2) = odds1 / (odds1 + odds2),
// here 4 / (4 + 1.5) for win rates 0.8 and 0.6. m1 then beats everyone: a unique equilibrium.
TEST(Rank, FillBtGivesNeverComparedPairsTheBradleyTerryGuess) {
  std::string csv = "model_a,model_b,winner\n";
  for (int k = 0; k < 10; ++k) {
    csv += fmt::format("m1,B,{}\nm2,B,{}\nm3,B,{}\n", k < 8 ? "model_a" : "model_b", k < 6 ? "model_a" : "model_b",
                       k < 4 ? "model_a" : "model_b");
  }
  const ComparisonData data = ParseBattles(csv, "star.csv", {});
  const RankingResult plain = Rank(data, {});
  EXPECT_EQ(plain.equilibrium_unique, false);
  const RankingResult filled = Rank(data, {.fill_bt = true});
  EXPECT_EQ(filled.filled_pairs, 3);
  const int m1 = Find(filled, "m1").index, m2 = Find(filled, "m2").index, m3 = Find(filled, "m3").index;
  EXPECT_NEAR(filled.preferences(m1, m2), 4.0 / 5.5, 1e-5);
  EXPECT_NEAR(filled.preferences(m2, m1), 1.5 / 5.5, 1e-5);
  EXPECT_NEAR(filled.preferences(m2, m3), 1.5 / (1.5 + 4.0 / 6), 1e-5);
  EXPECT_EQ(filled.equilibrium_unique, true);
  ASSERT_TRUE(filled.condorcet_winner);
  EXPECT_EQ(*filled.condorcet_winner, "m1");
  EXPECT_NEAR(Find(filled, "m1").ne_probability, 1.0, 1e-9);
}

// A candidate with no comparison (in the ranked context, or only with zero weight) has P = 1/2 against
// everyone and would alone be an equilibrium: it is left out and named, and the rest is ranked as if it
// were absent.
TEST(Rank, CandidatesWithoutComparisonsAreLeftOutAndNamed) {
  ComparisonData data;
  data.source = "cycle.csv";
  data.candidates = {"a", "b", "c", "d", "e"};
  for (const auto& [x, y] : {std::pair{0, 1}, std::pair{1, 2}, std::pair{2, 0}}) {
    data.units.push_back({.outcomes = {{x, y, 1.0, 1.0}}, .context = "q1"});
  }
  data.units.push_back({.outcomes = {{3, 0, 1.0, 1.0}}, .context = "q2"});
  data.units.push_back({.outcomes = {{4, 0, 1.0, 0.0}}, .context = "q1"});  // weight 0: not a comparison
  const RankingResult q1 = Rank(data, {.context = "q1"});
  EXPECT_EQ(q1.unranked, (std::vector<std::string>{"d", "e"}));
  ASSERT_EQ(q1.candidates.size(), 3u);
  for (const CandidateRanking& c : q1.candidates) EXPECT_NEAR(c.ne_probability, 1.0 / 3, 1e-9) << c.name;
  const RankingResult all = Rank(data, {});
  EXPECT_EQ(all.unranked, (std::vector<std::string>{"e"}));
  EXPECT_EQ(all.candidates.size(), 4u);
  EXPECT_THAT(RankingJson(q1), ::testing::HasSubstr("\"unranked\":[\"d\",\"e\"]"));
}

TEST(BradleyTerry, TwoCandidatesGiveTheLogOddsOfTheirRecord) {
  PairwiseTable table{Eigen::MatrixXd::Zero(2, 2), Eigen::MatrixXd::Zero(2, 2)};
  table.wins(0, 1) = 3;
  table.wins(1, 0) = 1;
  table.counts(0, 1) = table.counts(1, 0) = 4;
  const Eigen::VectorXd r = BradleyTerryLogStrengths(table);
  EXPECT_NEAR(r[0] - r[1], std::log(3.0), 1e-6);
  EXPECT_NEAR(r.sum(), 0.0, 1e-12);
}

TEST(BradleyTerry, RecoversPlantedStrengthsFromTheirExpectedRecords) {
  const Eigen::Vector4d truth(1.0, 0.2, -0.4, -0.8);
  PairwiseTable table{Eigen::MatrixXd::Zero(4, 4), Eigen::MatrixXd::Zero(4, 4)};
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) {
      if (a == b) continue;
      table.counts(a, b) = 100;
      table.wins(a, b) = 100 / (1 + std::exp(truth[b] - truth[a]));
    }
  }
  const Eigen::VectorXd r = BradleyTerryLogStrengths(table);
  EXPECT_LT((r - (truth.array() - truth.mean()).matrix()).lpNorm<Eigen::Infinity>(), 1e-6);
}

// 5,000 candidates, 20,000 comparisons (each candidate meets about 8 others): the maximizer of the
// strictly concave penalized likelihood is certified by its gradient, zero to rounding; the dense n³
// Newton step this replaced did not finish in five minutes.
TEST(BradleyTerry, SparseComparisonsOfThousandsOfCandidatesReachTheOptimum) {
  const int n = 5000;
  PairwiseTable table{Eigen::MatrixXd::Zero(n, n), Eigen::MatrixXd::Zero(n, n)};
  Rng rng(3);
  Eigen::VectorXd truth(n);
  for (int a = 0; a < n; ++a) truth[a] = 2 * rng.Uniform() - 1;
  for (int k = 0; k < 20000; ++k) {
    const int a = static_cast<int>(rng.Uniform() * n) % n, b = static_cast<int>(rng.Uniform() * n) % n;
    if (a == b) continue;
    const double a_wins = rng.Uniform() < 1 / (1 + std::exp(truth[b] - truth[a])) ? 1.0 : 0.0;
    table.wins(a, b) += a_wins;
    table.wins(b, a) += 1 - a_wins;
    table.counts(a, b) += 1;
    table.counts(b, a) += 1;
  }
  const Eigen::VectorXd r = BradleyTerryLogStrengths(table);
  // ∂/∂r_a = Σ_b [wins(a, b) − counts(a, b) σ(r_a − r_b)] − 1e-6 r_a, at the returned r before centring
  // (centring moves r along the ridge's direction by at most the mean, a 1e-6-sized change in the gradient).
  double largest = 0;
  for (int a = 0; a < n; ++a) {
    double gradient = -1e-6 * r[a];
    for (int b = 0; b < n; ++b) {
      if (table.counts(a, b) > 0) gradient += table.wins(a, b) - table.counts(a, b) / (1 + std::exp(r[b] - r[a]));
    }
    largest = std::max(largest, std::abs(gradient));
  }
  EXPECT_LT(largest, 1e-5);
  EXPECT_NEAR(r.mean(), 0.0, 1e-9);
}

TEST(Tournament, SmithSetOfACycleAboveADominatedCandidate) {
  Eigen::MatrixXd p(4, 4);
  p << 0.5, 0.7, 0.3, 0.9,
       0.3, 0.5, 0.7, 0.9,
       0.7, 0.3, 0.5, 0.9,
       0.1, 0.1, 0.1, 0.5;
  EXPECT_EQ(TopCycle(p), (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(CondorcetWinner(p).has_value());
  p(0, 2) = 0.6;
  p(2, 0) = 0.4;
  EXPECT_EQ(CondorcetWinner(p), 0);
  EXPECT_EQ(TopCycle(p), (std::vector<int>{0}));
}

// The Smith set by its definition, searched over every subset: the smallest non-empty set whose members
// each beat (P > 1/2) every outsider. Random tournaments with ties (P = 1/2) and cycles.
TEST(Tournament, SmithSetMatchesItsDefinitionOnRandomTournamentsWithTies) {
  Rng rng(7);
  const double levels[] = {0.2, 0.5, 0.8};
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + trial % 7;
    Eigen::MatrixXd p = Eigen::MatrixXd::Constant(n, n, 0.5);
    for (int a = 0; a < n; ++a) {
      for (int b = a + 1; b < n; ++b) {
        p(a, b) = levels[static_cast<int>(rng.Uniform() * 3) % 3];
        p(b, a) = 1 - p(a, b);
      }
    }
    std::vector<int> smallest;
    for (unsigned mask = 1; mask < (1u << n); ++mask) {
      std::vector<int> members;
      bool dominant = true;
      for (int a = 0; a < n; ++a) {
        if (!(mask >> a & 1)) continue;
        members.push_back(a);
        for (int b = 0; b < n; ++b) dominant = dominant && ((mask >> b & 1) || p(a, b) > 0.5);
      }
      if (dominant && (smallest.empty() || members.size() < smallest.size())) smallest = members;
    }
    EXPECT_EQ(TopCycle(p), smallest) << p;
  }
}

// Every model compared only with one baseline (AlpacaEval's and arena-hard's design): the three models
// never meet, so any mixture of them is an equilibrium. Rank says so, gives each its range over all
// equilibria ([0, 1]), answers with the set's center (1/3 each, not a solver's path) and gives the three one
// rank; the baseline, beaten by all, gets nothing.
TEST(Rank, OneBaselineGraphIsReportedAsNotUniqueWithRangesAndSharedRanks) {
  std::vector<std::string> a, b, winner;
  for (const std::string model : {"A", "B", "C"}) {
    for (const char* outcome : {"model_a", "model_a", "model_a", "model_b"}) {
      a.push_back(model);
      b.push_back("X");
      winner.push_back(outcome);
    }
  }
  const RankingResult r = Rank(BattlesFromColumns(a, b, winner, nullptr, nullptr, "baseline"), {});
  ASSERT_TRUE(r.equilibrium_unique.has_value());
  EXPECT_FALSE(*r.equilibrium_unique);
  ExpectAgreesWithLp(r);
  for (const std::string model : {"A", "B", "C"}) {
    const CandidateRanking& c = Find(r, model);
    EXPECT_NEAR(c.ne_probability, 1.0 / 3, 1e-9) << model;
    ASSERT_TRUE(c.ne_range.has_value());
    EXPECT_NEAR(c.ne_range->low, 0, 1e-9);
    EXPECT_NEAR(c.ne_range->high, 1, 1e-9);
    EXPECT_EQ(c.rank, 1);
  }
  EXPECT_EQ(Find(r, "X").ne_probability, 0);
  EXPECT_EQ(Find(r, "X").rank, 4);
  EXPECT_THAT(r.solver, ::testing::HasSubstr("not unique"));
}

// Rock–paper–scissors with rock duplicated (R2 plays exactly like R): the equilibria are those with
// P = S = 1/3 and R + R2 = 1/3, so R and R2 range over [0, 1/3] and P, S are fixed. Soccer's equilibrium is
// unique: no ranges, and ranks 1, 2, 3, ... without ties.
TEST(Rank, EquilibriumRangesMatchAKnownEquilibriumSet) {
  Eigen::MatrixXd p(4, 4);
  p << 0.5, 0, 1, 0.5,  //
      1, 0.5, 0, 1,     //
      0, 1, 0.5, 0,     //
      0.5, 0, 1, 0.5;
  ComparisonData data;
  data.source = "rps2";
  data.format = "matrix";
  data.candidates = {"R", "P", "S", "R2"};
  data.preferences = p;
  const RankingResult r = Rank(data, {});
  ASSERT_TRUE(r.equilibrium_unique.has_value());
  EXPECT_FALSE(*r.equilibrium_unique);
  ExpectAgreesWithLp(r);
  for (const std::string name : {"R", "R2"}) {
    ASSERT_TRUE(Find(r, name).ne_range.has_value()) << name;
    EXPECT_NEAR(Find(r, name).ne_range->low, 0, 1e-9);
    EXPECT_NEAR(Find(r, name).ne_range->high, 1.0 / 3, 1e-9);
  }
  for (const std::string name : {"P", "S"}) {
    EXPECT_NEAR(Find(r, name).ne_range->low, 1.0 / 3, 1e-9);
    EXPECT_NEAR(Find(r, name).ne_range->high, 1.0 / 3, 1e-9);
  }
  EXPECT_NEAR(Find(r, "R").ne_probability + Find(r, "R2").ne_probability, 1.0 / 3, 1e-9);
  // The equilibrium shown is the one of maximal entropy: R and R2, indistinguishable, share evenly.
  EXPECT_EQ(r.tie_break, "maximum entropy");
  EXPECT_NEAR(Find(r, "R").ne_probability, 1.0 / 6, 1e-9);
  EXPECT_NEAR(Find(r, "R2").ne_probability, 1.0 / 6, 1e-9);

  const RankingResult soccer = Rank(ReadComparisonFile(std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt"), {});
  ASSERT_TRUE(soccer.equilibrium_unique.has_value());
  EXPECT_TRUE(*soccer.equilibrium_unique);
  for (size_t k = 0; k < soccer.candidates.size(); ++k) {
    EXPECT_FALSE(soccer.candidates[k].ne_range.has_value());
    if (soccer.candidates[k].ne_probability > 0) {
      EXPECT_EQ(soccer.candidates[k].rank, static_cast<int>(k) + 1);
    }
  }
}

// The Bradley–Terry MLE exists exactly when the win graph is strongly connected (Ford 1957). x beats y and
// z and never loses: no MLE, x named as never having lost; with one loss of x to z every split has wins both
// ways and the MLE exists; a prior always makes it exist.
TEST(Rank, BradleyTerryMleExistenceFollowsTheWinGraph) {
  const auto rank = [](std::vector<std::string> winners, double prior) {
    const std::vector<std::string> a = {"x", "x", "y", "z"}, b = {"y", "z", "z", "y"};
    return Rank(BattlesFromColumns(a, b, winners, nullptr, nullptr, "bt"), {.prior = prior});
  };
  const RankingResult undefeated = rank({"model_a", "model_a", "model_a", "model_a"}, 0);
  EXPECT_FALSE(undefeated.bt_mle_exists);
  EXPECT_EQ(undefeated.never_lost, (std::vector<std::string>{"x"}));
  EXPECT_TRUE(undefeated.never_won.empty());
  EXPECT_TRUE(rank({"model_a", "model_b", "model_a", "model_a"}, 0).bt_mle_exists);
  EXPECT_TRUE(rank({"model_a", "model_a", "model_a", "model_a"}, 0.5).bt_mle_exists);

  PairwiseTable table{Eigen::MatrixXd::Zero(3, 3), Eigen::MatrixXd::Zero(3, 3)};
  table.wins(0, 1) = table.wins(1, 2) = table.wins(2, 0) = 1;  // a cycle: strongly connected
  table.counts(0, 1) = table.counts(1, 0) = table.counts(1, 2) = table.counts(2, 1) = table.counts(0, 2) = table.counts(2, 0) = 1;
  EXPECT_TRUE(BradleyTerryMleExists(table));
  table.wins(2, 0) = 0;
  table.wins(0, 2) = 1;  // a now beats c too: a never loses
  EXPECT_FALSE(BradleyTerryMleExists(table));
}

// Where the MLE does not exist, the ratings are the MAP estimate under a N(0, sd²) prior on each
// log-strength. Two models, x beating y w times and never losing: by symmetry r_x = −r_y = t with
// w (1 − σ(2t)) = t / sd² (the posterior's stationarity), solved here by bisection; the Elo gap is 2t in
// Elo units. Without the prior (sd 0) only the 1e-6 ridge holds the gap, past 2,000 points.
TEST(Rank, UndefeatedModelGetsTheMapRatingUnderTheDefaultPrior) {
  const int w = 6;
  const std::vector<std::string> a(w, "x"), b(w, "y"), winners(w, "model_a");
  const ComparisonData data = BattlesFromColumns(a, b, winners, nullptr, nullptr, "undefeated");
  const RankingResult r = Rank(data, {});
  EXPECT_FALSE(r.bt_mle_exists);
  EXPECT_TRUE(r.bt_prior_applied);
  const double elo_per_logit = 400 / std::log(10.0), sd = kDefaultBtPriorSd / elo_per_logit;
  double low = 0, high = 50;
  for (int k = 0; k < 200; ++k) {
    const double t = 0.5 * (low + high);
    (w * (1 - 1 / (1 + std::exp(-2 * t))) > t / (sd * sd) ? low : high) = t;
  }
  EXPECT_NEAR(Find(r, "x").bt_rating - Find(r, "y").bt_rating, 2 * low * elo_per_logit, 1e-6);
  EXPECT_NEAR(Find(r, "x").bt_rating + Find(r, "y").bt_rating, 2000, 1e-6);

  const RankingResult unregularized = Rank(data, {.bt_prior_sd = 0});
  EXPECT_FALSE(unregularized.bt_prior_applied);
  EXPECT_GT(Find(unregularized, "x").bt_rating - Find(unregularized, "y").bt_rating, 2000);

  // Where the MLE exists, the prior is not used: five wins and one loss make the MLE gap log 5 logits.
  const std::vector<std::string> mixed = {"model_a", "model_a", "model_a", "model_a", "model_a", "model_b"};
  const RankingResult mle = Rank(BattlesFromColumns(a, b, mixed, nullptr, nullptr, "mle"), {});
  EXPECT_FALSE(mle.bt_prior_applied);
  EXPECT_NEAR(Find(mle, "x").bt_rating - Find(mle, "y").bt_rating, std::log(5.0) * elo_per_logit, 1e-3);  // the 1e-6 ridge
}

}  // namespace
}  // namespace nlhf
