#include "nlhf/ranking/plackett_luce.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nlhf/random.h"
#include "nlhf/ranking/rank.h"
#include "nlhf/ranking/readers.h"
#include "testing.h"

namespace nlhf {
namespace {

ComparisonData Rankings(int n, const std::vector<std::pair<std::vector<int>, double>>& orders) {
  ComparisonData data;
  data.source = "rankings";
  for (int a = 0; a < n; ++a) data.candidates.push_back(std::string(1, static_cast<char>('a' + a)));
  for (const auto& [order, count] : orders) {
    ComparisonUnit unit;
    unit.multiplicity = count;
    for (int a : order) unit.order.push_back({a});
    data.units.push_back(unit);
  }
  return data;
}

// Two alternatives: Plackett–Luce is Bradley–Terry, γ_a / γ_b = wins of a / wins of b.
TEST(PlackettLuce, TwoAlternativesGiveTheOddsOfTheirRecord) {
  const Eigen::VectorXd r = *PlackettLuceLogStrengths(Rankings(2, {{{0, 1}, 3}, {{1, 0}, 1}}));
  EXPECT_NEAR(r[0] - r[1], std::log(3.0), 1e-5);
}

// Top-1 ballots (a partial order naming only a first choice) are multinomial choices from all the
// alternatives: the MLE makes the strengths proportional to the first-choice counts.
TEST(PlackettLuce, FirstChoicesAloneGiveStrengthsProportionalToTheirCounts) {
  const Eigen::VectorXd r = *PlackettLuceLogStrengths(Rankings(3, {{{0}, 6}, {{1}, 3}, {{2}, 1}}));
  EXPECT_NEAR(r[0] - r[2], std::log(6.0), 1e-5);
  EXPECT_NEAR(r[1] - r[2], std::log(3.0), 1e-5);
}

// Rankings drawn from known strengths (the Gumbel trick: sorting log γ + Gumbel noise samples a
// Plackett–Luce order) are fitted back close to them.
TEST(PlackettLuce, RecoversPlantedStrengthsFromSampledRankings) {
  const std::vector<double> planted = {1.0, 0.5, 0.0, -0.7};
  Rng rng(7);
  std::vector<std::pair<std::vector<int>, double>> orders;
  for (int k = 0; k < 20000; ++k) {
    std::vector<double> key(4);
    for (int a = 0; a < 4; ++a) key[a] = planted[a] - std::log(-std::log(rng.Uniform()));
    std::vector<int> order(4);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return key[x] > key[y]; });
    orders.push_back({order, 1.0});
  }
  const Eigen::VectorXd r = *PlackettLuceLogStrengths(Rankings(4, orders));
  const double mean = std::accumulate(planted.begin(), planted.end(), 0.0) / 4;
  for (int a = 0; a < 4; ++a) EXPECT_NEAR(r[a], planted[a] - mean, 0.05) << a;
}

// PrefLib ballots carry their orders into Rank, which reports pl_rating; ties or no rankings: none.
TEST(PlackettLuce, RankReportsItForStrictBallotsOnly) {
  const std::string soc = "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
                          "# ALTERNATIVE NAME 3: C\n5: 1,2,3\n3: 2,3,1\n1: 3,1,2\n";
  const RankingResult r = Rank(ParsePreflib(soc, "v.soc"), {});
  for (const CandidateRanking& c : r.candidates) ASSERT_TRUE(c.pl_rating) << c.name;
  EXPECT_THAT(RankingJson(r), ::testing::HasSubstr("\"pl_rating\""));
  const std::string toc = "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
                          "# ALTERNATIVE NAME 3: C\n5: {1,2},3\n3: 2,3,1\n";
  EXPECT_FALSE(PlackettLuceLogStrengths(ParsePreflib(toc, "v.toc")).has_value());
  EXPECT_FALSE(Rank(ReadComparisonFile(std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/battles.csv"), {})
                   .candidates.front().pl_rating.has_value());
}

}  // namespace
}  // namespace nlhf
