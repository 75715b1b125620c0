#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>
#include <cmath>
#include <vector>

#include "nlhf/ranking/rank.h"

namespace nlhf {
namespace {

// One compared pair a < b of the comparison graph: the likelihood only has terms where comparisons
// exist, so the work and memory follow the comparisons actually made, not n².
struct Edge {
  Eigen::Index a = 0, b = 0;
  double wins_a = 0, wins_b = 0;  // a's result against b, b's against a
  double count = 0;               // comparisons between them (wins_a + wins_b)
};

std::vector<Edge> Edges(const PairwiseTable& table) {
  std::vector<Edge> edges;
  const Eigen::Index n = table.wins.rows();
  for (Eigen::Index b = 0; b < n; ++b) {  // column-major: walk down columns
    for (Eigen::Index a = 0; a < b; ++a) {
      if (table.counts(a, b) > 0) edges.push_back({a, b, table.wins(a, b), table.wins(b, a), table.counts(a, b)});
    }
  }
  return edges;
}

// log σ(x), without overflow for large |x|.
double LogSigmoid(double x) { return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x)); }
double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Penalized log-likelihood Σ_edges [w_ab log σ(r_a − r_b) + w_ba log σ(r_b − r_a)] − (λ/2)‖r‖².
double Objective(const std::vector<Edge>& edges, const Eigen::VectorXd& r, double ridge) {
  double value = -0.5 * ridge * r.squaredNorm();
  for (const Edge& e : edges) {
    const double d = r[e.a] - r[e.b];
    if (e.wins_a > 0) value += e.wins_a * LogSigmoid(d);
    if (e.wins_b > 0) value += e.wins_b * LogSigmoid(-d);
  }
  return value;
}

}  // namespace

Eigen::VectorXd BradleyTerryLogStrengths(const PairwiseTable& table, double prior_sd) {
  // A N(0, sd²) prior on each log-strength is the ridge 1/sd²; without one, a 1e-6 ridge keeps the
  // iterates finite where the MLE does not exist.
  const double ridge = prior_sd > 0 ? 1.0 / (prior_sd * prior_sd) : 1e-6;
  // Newton's method with backtracking on a concave objective; Hunter's MM iteration would also do, but
  // converges linearly and needs the same guard where the MLE does not exist. The Newton system is the
  // comparison graph's weighted Laplacian plus the ridge: sparse, solved by Eigen's conjugate gradient
  // (Jacobi preconditioned), so thousands of sparsely compared candidates take seconds, not an n³ solve.
  const Eigen::Index n = table.wins.rows();
  const std::vector<Edge> edges = Edges(table);
  double total = 0;
  for (const Edge& e : edges) total += e.count;
  Eigen::VectorXd r = Eigen::VectorXd::Zero(n);
  double value = Objective(edges, r, ridge);
  std::vector<Eigen::Triplet<double>> entries;
  Eigen::SparseMatrix<double> curvature(n, n);  // −Hessian
  Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> solver;
  solver.setTolerance(1e-13);
  for (int iteration = 0; iteration < 200; ++iteration) {
    Eigen::VectorXd gradient = -ridge * r;
    entries.clear();
    for (Eigen::Index a = 0; a < n; ++a) entries.emplace_back(a, a, ridge);
    for (const Edge& e : edges) {
      const double s = Sigmoid(r[e.a] - r[e.b]);
      gradient[e.a] += e.wins_a - e.count * s;
      gradient[e.b] -= e.wins_a - e.count * s;
      const double h = e.count * s * (1 - s);
      entries.emplace_back(e.a, e.a, h);
      entries.emplace_back(e.b, e.b, h);
      entries.emplace_back(e.a, e.b, -h);
      entries.emplace_back(e.b, e.a, -h);
    }
    if (gradient.lpNorm<Eigen::Infinity>() < 1e-10 * (1.0 + total)) break;
    curvature.setFromTriplets(entries.begin(), entries.end());
    solver.setMaxIterations(std::max<Eigen::Index>(1000, 4 * n));
    solver.compute(curvature);
    const Eigen::VectorXd step = solver.solve(gradient);
    double scale = 1.0;
    Eigen::VectorXd next = r + step;
    double next_value = Objective(edges, next, ridge);
    while (next_value < value && scale > 1e-8) {
      scale *= 0.5;
      next = r + scale * step;
      next_value = Objective(edges, next, ridge);
    }
    if (next_value < value) break;
    r = next;
    value = next_value;
  }
  return (r.array() - r.mean()).matrix();
}

std::optional<int> CondorcetWinner(const Eigen::MatrixXd& preferences) {
  for (Eigen::Index a = 0; a < preferences.rows(); ++a) {
    bool beats_all = true;
    for (Eigen::Index b = 0; b < preferences.cols() && beats_all; ++b) {
      if (a != b && !(preferences(a, b) > 0.5)) beats_all = false;
    }
    if (beats_all) return static_cast<int>(a);
  }
  return std::nullopt;
}

std::vector<int> TopCycle(const Eigen::MatrixXd& preferences) {
  // "a beats or ties b" (P >= 1/2) is complete, so its strongly connected components are totally ordered
  // and the top one is the Smith set. A candidate of most such relations lies in it (each member of the
  // top component relates to every outsider and to itself, an outsider to fewer), and the top component
  // is everyone who reaches that candidate: one search, O(n²), where a transitive closure is O(n³).
  const Eigen::Index n = preferences.rows();
  if (n == 0) return {};
  Eigen::Index leader = 0, most = -1;
  for (Eigen::Index a = 0; a < n; ++a) {
    const Eigen::Index relations = (preferences.row(a).array() >= 0.5).count();
    if (relations > most) {
      most = relations;
      leader = a;
    }
  }
  std::vector<bool> reaches(static_cast<size_t>(n), false);
  std::vector<Eigen::Index> frontier = {leader};
  reaches[static_cast<size_t>(leader)] = true;
  while (!frontier.empty()) {
    const Eigen::Index b = frontier.back();
    frontier.pop_back();
    for (Eigen::Index a = 0; a < n; ++a) {
      if (!reaches[static_cast<size_t>(a)] && preferences(a, b) >= 0.5) {
        reaches[static_cast<size_t>(a)] = true;
        frontier.push_back(a);
      }
    }
  }
  std::vector<int> smith;
  for (Eigen::Index a = 0; a < n; ++a) {
    if (reaches[static_cast<size_t>(a)]) smith.push_back(static_cast<int>(a));
  }
  return smith;
}

bool BradleyTerryMleExists(const PairwiseTable& table) {
  const Eigen::Index n = table.wins.rows();
  if (n <= 1) return true;
  // Strongly connected: every candidate is reachable from candidate 0 along "beat" edges and along
  // reversed ones. A breadth-first search each way over the dense table: O(n²).
  const auto reaches_all = [&](bool reversed) {
    std::vector<char> seen(n, 0);
    std::vector<Eigen::Index> frontier = {0};
    seen[0] = 1;
    Eigen::Index count = 1;
    while (!frontier.empty()) {
      const Eigen::Index a = frontier.back();
      frontier.pop_back();
      for (Eigen::Index b = 0; b < n; ++b) {
        const double won = reversed ? table.wins(b, a) : table.wins(a, b);
        if (b != a && !seen[b] && won > 0) {
          seen[b] = 1;
          ++count;
          frontier.push_back(b);
        }
      }
    }
    return count == n;
  };
  return reaches_all(false) && reaches_all(true);
}

}  // namespace nlhf
