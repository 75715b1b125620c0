#include "solvers/small_omwu.h"

#include <algorithm>
#include <cmath>

namespace nlhf::internal {
namespace {

using Vector = SmallOmwuState::Vector;

// y = A·weight in four independent sums so that the additions do not wait on each other (one running
// sum is a chain of dependent fused multiply-adds). Unrolled over all 16 columns (the padded ones are
// zero): with a compile-time index the compiler takes x[j] from registers instead of storing the vector
// and reloading its entries (measured at n = 10: 61 ns per iteration against 65 with the loop over the n
// real columns).
Vector Multiply(const SmallOmwuState::Matrix& a, const Vector& x) {
  Vector sums[4] = {Vector::Zero(), Vector::Zero(), Vector::Zero(), Vector::Zero()};
#pragma GCC unroll 16
  for (int j = 0; j < kSmallOmwuMaxActions; ++j) sums[j & 3].noalias() += a.col(j) * x[j];
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

}  // namespace

void PortableSmallOmwuStep(SmallOmwuState& s) {
  s.log_weight.array() += s.step_size * (2.0 * s.payoffs.array() - s.previous_payoffs.array());
  if (++s.since_renormalized == s.renormalize_every) {
    s.log_weight.array() -= std::log(s.total);
    s.since_renormalized = 0;
  }
  s.previous_weight = s.weight;
  s.previous_total = s.total;
  s.weight = s.log_weight.array().exp();
  const Vector product = Multiply(s.a, s.weight);
  s.total = s.weight.sum();
  s.finite = std::isfinite(s.total) && s.total > 0;
  s.previous_payoffs = s.payoffs;
  s.payoffs = product * (1.0 / s.total);
  s.gap = 2 * s.payoffs.maxCoeff();  // padded payoffs are 0, and max_a (Aπ)_a >= πᵀAπ = 0
}

SmallOmwu::SmallOmwu(const Eigen::MatrixXd& a, double step_size, const Eigen::VectorXd& log_policy, bool portable) {
  SmallOmwuState& s = state_;
  s.n = static_cast<int>(a.rows());
  s.step_size = step_size;
  s.a.topLeftCorner(s.n, s.n) = a;
  s.log_weight.head(s.n) = log_policy.array() - log_policy.maxCoeff();
  s.weight = s.log_weight.array().exp();
  s.total = s.previous_total = s.weight.sum();
  // Between shifts the largest log-weight moves by at most |η(2g − g')| <= 3η·max|A| per iteration;
  // allow 300 of exp's ±708 range for the drift.
  const double drift = 3 * step_size * s.a.cwiseAbs().maxCoeff();
  s.renormalize_every = std::clamp(static_cast<int>(300 / std::max(drift, 1e-300)), 1, 32);
  s.previous_weight = s.weight;
  s.payoffs = Multiply(s.a, s.weight) / s.total;
  s.previous_payoffs = s.payoffs;
  s.gap = 2 * s.payoffs.head(s.n).maxCoeff();
  // The AVX-512 exp covers ±707 around 0, with the drift bound above; beyond it (huge η·|A|, where
  // exp overflows anyway) the portable step reports the overflow.
  step_ = portable || !(drift <= 300) ? nullptr : Avx512SmallOmwuStep(s.n);
  if (step_ == nullptr) step_ = PortableSmallOmwuStep;
}

Eigen::VectorXd SmallOmwu::LogPolicy() const {
  return state_.log_weight.head(state_.n).array() - std::log(state_.total);
}

Eigen::VectorXd SmallOmwu::Policy() const { return state_.weight.head(state_.n) / state_.total; }

double SmallOmwu::MinLogProbability() const {
  return state_.log_weight.head(state_.n).minCoeff() - std::log(state_.total);
}

double SmallOmwu::L1Change() const {
  return (state_.weight / state_.total - state_.previous_weight / state_.previous_total).lpNorm<1>();
}

}  // namespace nlhf::internal
