#include <cmath>

#include "nlhf/ranking/rank.h"

namespace nlhf {
namespace {

constexpr double kRidge = 1e-6;

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Penalized log-likelihood Σ_{a≠b} w_ab log σ(r_a − r_b) − (λ/2)‖r‖².
double Objective(const PairwiseTable& table, const Eigen::VectorXd& r) {
  double value = -0.5 * kRidge * r.squaredNorm();
  for (Eigen::Index a = 0; a < r.size(); ++a) {
    for (Eigen::Index b = 0; b < r.size(); ++b) {
      if (a != b && table.wins(a, b) > 0) value += table.wins(a, b) * -std::log1p(std::exp(-(r[a] - r[b])));
    }
  }
  return value;
}

}  // namespace

Eigen::VectorXd BradleyTerryLogStrengths(const PairwiseTable& table) {
  // Newton's method with backtracking on a concave objective; Hunter's MM iteration would also do, but
  // converges linearly and needs the same guard where the MLE does not exist.
  const Eigen::Index n = table.wins.rows();
  Eigen::VectorXd r = Eigen::VectorXd::Zero(n);
  double value = Objective(table, r);
  for (int iteration = 0; iteration < 200; ++iteration) {
    Eigen::VectorXd gradient = -kRidge * r;
    Eigen::MatrixXd curvature = kRidge * Eigen::MatrixXd::Identity(n, n);  // −Hessian
    for (Eigen::Index a = 0; a < n; ++a) {
      for (Eigen::Index b = 0; b < n; ++b) {
        if (a == b || table.counts(a, b) == 0) continue;
        const double s = Sigmoid(r[a] - r[b]);
        gradient[a] += table.wins(a, b) - table.counts(a, b) * s;
        const double h = table.counts(a, b) * s * (1 - s);
        curvature(a, a) += h;
        curvature(a, b) -= h;
      }
    }
    if (gradient.lpNorm<Eigen::Infinity>() < 1e-10 * (1.0 + table.counts.sum())) break;
    const Eigen::VectorXd step = curvature.ldlt().solve(gradient);
    double scale = 1.0;
    Eigen::VectorXd next = r + step;
    double next_value = Objective(table, next);
    while (next_value < value && scale > 1e-8) {
      scale *= 0.5;
      next = r + scale * step;
      next_value = Objective(table, next);
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
  const Eigen::Index n = preferences.rows();
  // reach(a, b): a beats or ties b, directly or through a chain (Floyd–Warshall closure).
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = 0; b < n; ++b) reach[a][b] = a == b || preferences(a, b) >= 0.5;
  }
  for (Eigen::Index k = 0; k < n; ++k) {
    for (Eigen::Index a = 0; a < n; ++a) {
      if (!reach[a][k]) continue;
      for (Eigen::Index b = 0; b < n; ++b) reach[a][b] = reach[a][b] || reach[k][b];
    }
  }
  std::vector<int> smith;
  for (Eigen::Index a = 0; a < n; ++a) {
    if (std::all_of(reach[a].begin(), reach[a].end(), [](bool r) { return r; })) smith.push_back(static_cast<int>(a));
  }
  return smith;
}

}  // namespace nlhf
