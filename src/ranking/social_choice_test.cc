#include "nlhf/ranking/social_choice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nlhf/random.h"
#include "nlhf/ranking/rank.h"
#include "nlhf/ranking/readers.h"
#include "testing.h"

namespace nlhf {
namespace {

// The example of Schulze's method on Wikipedia ("Schulze method", 45 voters, 5 candidates), whose pairwise
// support d(a, b) is
//        A   B   C   D   E
//   A    -  20  26  30  22
//   B   25   -  16  33  18
//   C   19  29   -  17  24
//   D   15  12  28   -  14
//   E   23  27  21  31   -
// Known answers: Schulze E > A > C > B > D (Wikipedia). Ranked pairs, by hand: the majorities by winning
// votes are B>D 33, E>D 31, A>D 30, C>B 29, D>C 28 (closes C>B>D>C: skipped), E>B 27, A>C 26, B>A 25
// (closes A>C>B>A: skipped), C>E 24, E>A 23 (closes A>C>E>A: skipped), so A > C > E > B > D.
// Copeland: E wins 3 majorities, A, B and C 2 each, D 1.
Eigen::MatrixXd WikipediaSupport() {
  Eigen::MatrixXd d(5, 5);
  d << 0, 20, 26, 30, 22,  //
      25, 0, 16, 33, 18,   //
      19, 29, 0, 17, 24,   //
      15, 12, 28, 0, 14,   //
      23, 27, 21, 31, 0;
  return d;
}

TEST(VotingRules, WikipediaSchulzeExample) {
  const Eigen::MatrixXd d = WikipediaSupport();
  EXPECT_EQ(SchulzeOrder(d), (std::vector<int>{4, 0, 2, 1, 3}));
  EXPECT_EQ(RankedPairsOrder(d), (std::vector<int>{0, 2, 4, 1, 3}));
  EXPECT_EQ(CopelandScores(d), (std::vector<double>{2, 2, 2, 1, 3}));
  EXPECT_EQ(CopelandOrder(d), (std::vector<int>{4, 0, 1, 2, 3}));
}

// Kemeny's order against brute force over every permutation (an independent search), on the Wikipedia
// example and on random supports with ties.
double Disagreement(const Eigen::MatrixXd& d, const std::vector<int>& order) {
  double cost = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = i + 1; j < order.size(); ++j) cost += d(order[j], order[i]);
  }
  return cost;
}

TEST(VotingRules, KemenyMatchesBruteForce) {
  Rng rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = trial == 0 ? 5 : 2 + trial % 6;
    Eigen::MatrixXd d = trial == 0 ? WikipediaSupport() : Eigen::MatrixXd::Zero(n, n);
    for (int a = 0; a < n && trial > 0; ++a) {
      for (int b = a + 1; b < n; ++b) {
        d(a, b) = std::floor(rng.Uniform() * 5);
        d(b, a) = std::floor(rng.Uniform() * 5);
      }
    }
    std::vector<int> permutation(n);
    std::iota(permutation.begin(), permutation.end(), 0);
    double least = std::numeric_limits<double>::infinity();
    do {
      least = std::min(least, Disagreement(d, permutation));
    } while (std::next_permutation(permutation.begin(), permutation.end()));
    const std::vector<int> kemeny = KemenyOrder(d);
    std::vector<int> sorted = kemeny;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> all(n);
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(sorted, all);  // a permutation
    EXPECT_EQ(Disagreement(d, kemeny), least) << d;
  }
}

// The same election as ballots (5 ACBED, 5 ADECB, 8 BEDAC, 3 CABED, 7 CAEBD, 2 CBADE, 7 DCEBA, 8 EBADC),
// through the PrefLib reader and Rank: the voting rules in the ranking agree with the table above.
TEST(VotingRules, RankReportsThemFromBallots) {
  const std::string soc =
      "# NUMBER ALTERNATIVES: 5\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n"
      "# ALTERNATIVE NAME 4: D\n# ALTERNATIVE NAME 5: E\n"
      "5: 1,3,2,5,4\n5: 1,4,5,3,2\n8: 2,5,4,1,3\n3: 3,1,2,5,4\n7: 3,1,5,2,4\n2: 3,2,1,4,5\n7: 4,3,5,2,1\n8: 5,2,1,4,3\n";
  const ComparisonData data = ParsePreflib(soc, "wikipedia.soc");
  const RankingResult r = Rank(data, {});
  EXPECT_EQ(r.schulze_order, (std::vector<std::string>{"E", "A", "C", "B", "D"}));
  EXPECT_EQ(r.ranked_pairs_order, (std::vector<std::string>{"A", "C", "E", "B", "D"}));
  EXPECT_EQ(r.copeland_order.front(), "E");
  EXPECT_THAT(RankingJson(r), ::testing::HasSubstr("\"schulze\":[\"E\",\"A\",\"C\",\"B\",\"D\"]"));
}

}  // namespace
}  // namespace nlhf
