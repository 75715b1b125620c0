#include "nlhf/ranking/social_choice.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <tuple>

namespace nlhf {
namespace {

// Indices sorted by `score`, highest first, ties by index.
std::vector<int> ByScore(const std::vector<double>& score) {
  std::vector<int> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return score[a] > score[b]; });
  return order;
}

}  // namespace

std::vector<double> CopelandScores(const Eigen::MatrixXd& support) {
  const Eigen::Index n = support.rows();
  std::vector<double> score(n, 0.0);
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = 0; b < n; ++b) {
      if (a == b) continue;
      score[a] += support(a, b) > support(b, a) ? 1.0 : (support(a, b) == support(b, a) ? 0.5 : 0.0);
    }
  }
  return score;
}

std::vector<int> CopelandOrder(const Eigen::MatrixXd& support) { return ByScore(CopelandScores(support)); }

std::vector<int> SchulzeOrder(const Eigen::MatrixXd& support) {
  const Eigen::Index n = support.rows();
  Eigen::MatrixXd strength = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = 0; b < n; ++b) {
      if (a != b && support(a, b) > support(b, a)) strength(a, b) = support(a, b);
    }
  }
  // Widest paths (Floyd–Warshall with max-min).
  for (Eigen::Index k = 0; k < n; ++k) {
    for (Eigen::Index a = 0; a < n; ++a) {
      if (a == k || strength(a, k) <= 0) continue;
      for (Eigen::Index b = 0; b < n; ++b) {
        if (b != a && b != k) strength(a, b) = std::max(strength(a, b), std::min(strength(a, k), strength(k, b)));
      }
    }
  }
  std::vector<double> beaten(n, 0.0);
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = 0; b < n; ++b) beaten[a] += a != b && strength(a, b) > strength(b, a) ? 1.0 : 0.0;
  }
  return ByScore(beaten);
}

std::vector<int> RankedPairsOrder(const Eigen::MatrixXd& support) {
  const int n = static_cast<int>(support.rows());
  std::vector<std::tuple<double, double, int, int>> majorities;  // (winning votes, losing votes, winner, loser)
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      if (a != b && support(a, b) > support(b, a)) majorities.emplace_back(support(a, b), support(b, a), a, b);
    }
  }
  std::stable_sort(majorities.begin(), majorities.end(), [](const auto& x, const auto& y) {
    if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) > std::get<0>(y);
    return std::get<1>(x) < std::get<1>(y);
  });
  std::vector<std::vector<int>> locked(n);
  const auto reaches = [&](int from, int to) {  // a path from → to among the locked links
    std::vector<char> seen(n, 0);
    std::vector<int> frontier = {from};
    seen[from] = 1;
    while (!frontier.empty()) {
      const int x = frontier.back();
      frontier.pop_back();
      if (x == to) return true;
      for (int y : locked[x]) {
        if (!seen[y]) {
          seen[y] = 1;
          frontier.push_back(y);
        }
      }
    }
    return false;
  };
  for (const auto& [won, lost, winner, loser] : majorities) {
    if (!reaches(loser, winner)) locked[winner].push_back(loser);
  }
  // Topological order, the lowest index first among candidates with no locked defeat left.
  std::vector<int> defeats(n, 0), order;
  for (int a = 0; a < n; ++a) {
    for (int b : locked[a]) ++defeats[b];
  }
  std::vector<char> placed(n, 0);
  for (int step = 0; step < n; ++step) {
    int next = 0;
    while (placed[next] || defeats[next] > 0) ++next;
    placed[next] = 1;
    order.push_back(next);
    for (int b : locked[next]) --defeats[b];
  }
  return order;
}

std::vector<int> KemenyOrder(const Eigen::MatrixXd& support) {
  // best[S]: the least disagreement of an order of the set S placed first; adding c after S disagrees
  // with every voter who put c before a member of S.
  const int n = static_cast<int>(support.rows());
  const std::uint32_t full = (1u << n) - 1;
  std::vector<double> best(size_t{1} << n, std::numeric_limits<double>::infinity());
  std::vector<std::int8_t> last(size_t{1} << n, -1);
  best[0] = 0;
  for (std::uint32_t set = 0; set < full; ++set) {
    if (!std::isfinite(best[set])) continue;
    for (int c = 0; c < n; ++c) {
      if (set & (1u << c)) continue;
      double cost = best[set];
      for (int s = 0; s < n; ++s) cost += (set & (1u << s)) ? support(c, s) : 0.0;
      const std::uint32_t next = set | (1u << c);
      if (cost < best[next]) {  // strict: among equal orders, the first found (lower indices earlier) stays
        best[next] = cost;
        last[next] = static_cast<std::int8_t>(c);
      }
    }
  }
  std::vector<int> order(n);
  for (std::uint32_t set = full, k = n; k-- > 0;) {
    order[k] = last[set];
    set &= ~(1u << last[set]);
  }
  return order;
}

}  // namespace nlhf
