// Classical voting rules beside the maximal lottery, over the pairwise majority matrix: what
// social-choice and OpenSpiel users compare the Nash ranking with. Each takes d(a, b), the support for a
// over b (weighted wins, ties half; for a bare preference matrix, P itself), and returns an order of the
// candidates (0-based indices, best first; ties broken by index, so the answer is reproducible).
#ifndef NLHF_RANKING_SOCIAL_CHOICE_H_
#define NLHF_RANKING_SOCIAL_CHOICE_H_

#include <Eigen/Dense>
#include <vector>

namespace nlhf {

// Schulze's and ranked pairs' work grows as n³ and n⁴: above this many candidates they are not computed.
inline constexpr int kMaxVotingRuleCandidates = 200;

// Copeland scores: pairwise majorities won, plus 1/2 for each pair tied (d(a, b) = d(b, a), never-compared
// pairs included).
std::vector<double> CopelandScores(const Eigen::MatrixXd& support);
// Candidates by Copeland score, best first.
std::vector<int> CopelandOrder(const Eigen::MatrixXd& support);

// Schulze (2011): strongest paths by winning votes (widest paths through d(x, y) > d(y, x) links), then a
// beats b where its strongest path to b is stronger than b's to a; ordered by how many each beats.
std::vector<int> SchulzeOrder(const Eigen::MatrixXd& support);

// Ranked pairs (Tideman 1987): majorities sorted by winning votes (then by the smaller losing votes),
// each locked unless it closes a cycle with those already locked; the order is the locked graph's
// topological order.
std::vector<int> RankedPairsOrder(const Eigen::MatrixXd& support);

// Kemeny (1959): the order that disagrees least with the pairwise support, Σ over pairs placed a before b
// of d(b, a). NP-hard in general; exact by dynamic programming over subsets (2ⁿ·n² steps), so for up to
// kMaxKemenyCandidates candidates.
inline constexpr int kMaxKemenyCandidates = 16;
std::vector<int> KemenyOrder(const Eigen::MatrixXd& support);

}  // namespace nlhf

#endif  // NLHF_RANKING_SOCIAL_CHOICE_H_
