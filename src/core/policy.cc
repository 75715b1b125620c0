#include "nlhf/policy.h"

#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>

#include "nlhf/random.h"

namespace nlhf {

double LogSumExp(const Eigen::VectorXd& v) {
  if (v.size() == 0) return -std::numeric_limits<double>::infinity();
  const double shift = v.maxCoeff();
  if (!std::isfinite(shift)) return shift;  // all −inf, or +inf / NaN present
  return shift + std::log((v.array() - shift).exp().sum());
}

void NormalizeLogPolicy(Eigen::VectorXd& v) { v.array() -= LogSumExp(v); }

Eigen::VectorXd ToProbabilities(const Eigen::VectorXd& log_policy) {
  return log_policy.array().exp().matrix();
}

Eigen::VectorXd ToLogPolicy(const Eigen::VectorXd& probabilities) {
  return probabilities.array().log().matrix();
}

PlayerVectors ToProbabilities(const PlayerVectors& log_policy) {
  PlayerVectors probabilities;
  for (const auto& l : log_policy) probabilities.push_back(ToProbabilities(l));
  return probabilities;
}

PlayerVectors ToLogPolicy(const PlayerVectors& probabilities) {
  PlayerVectors log_policy;
  for (const auto& p : probabilities) log_policy.push_back(ToLogPolicy(p));
  return log_policy;
}

Eigen::VectorXd UniformLogPolicy(int n) {
  return Eigen::VectorXd::Constant(n, -std::log(static_cast<double>(n)));
}

Eigen::VectorXd RandomLogPolicy(int n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::VectorXd logits(n);
  for (int a = 0; a < n; ++a) logits[a] = rng.Normal();
  NormalizeLogPolicy(logits);
  return logits;
}

std::vector<int> Support(const Eigen::VectorXd& probabilities, double threshold) {
  std::vector<int> support;
  for (int a = 0; a < probabilities.size(); ++a) {
    if (probabilities[a] > threshold) support.push_back(a);
  }
  return support;
}

double MinEntry(const PlayerVectors& vectors) {
  double smallest = std::numeric_limits<double>::infinity();
  for (const auto& v : vectors) {
    if (v.size() > 0) smallest = std::min(smallest, v.minCoeff());
  }
  return smallest;
}

Eigen::VectorXd ProjectOntoSimplex(const Eigen::VectorXd& v) {
  // The projection is max(v − τ, 0) with τ chosen so that the result sums to one; τ is found from the
  // entries sorted in decreasing order.
  std::vector<double> sorted(v.data(), v.data() + v.size());
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double cumulative = 0;
  double tau = 0;
  for (size_t k = 0; k < sorted.size(); ++k) {
    cumulative += sorted[k];
    const double candidate = (cumulative - 1.0) / static_cast<double>(k + 1);
    if (sorted[k] - candidate > 0) tau = candidate;
  }
  return (v.array() - tau).max(0.0).matrix();
}

}  // namespace nlhf
