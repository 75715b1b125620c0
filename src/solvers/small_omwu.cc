#include "solvers/small_omwu.h"

#include <algorithm>
#include <cmath>

namespace nlhf::internal {
namespace {

constexpr int kSize = SmallOmwuState::kSize;
using Vector = Eigen::Matrix<double, kSize, 1>;
using Matrix = Eigen::Matrix<double, kSize, kSize>;
using VectorView = Eigen::Map<Vector, Eigen::Aligned64>;
using ConstVectorView = Eigen::Map<const Vector, Eigen::Aligned64>;
using ConstMatrixView = Eigen::Map<const Matrix, Eigen::Aligned64>;

// y = A·weight in four independent sums so that the additions do not wait on each other (one running
// sum is a chain of dependent fused multiply-adds). Unrolled over all 16 columns (the padded ones are
// zero): with a compile-time index the compiler takes x[j] from registers instead of storing the vector
// and reloading its entries (measured at n = 10: 61 ns per iteration against 65 with the loop over the n
// real columns).
Vector Multiply(const double* a_data, const double* x_data) {
  const ConstMatrixView a(a_data);
  const ConstVectorView x(x_data);
  Vector sums[4] = {Vector::Zero(), Vector::Zero(), Vector::Zero(), Vector::Zero()};
#pragma GCC unroll 16
  for (int j = 0; j < kSize; ++j) sums[j & 3].noalias() += a.col(j) * x[j];
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

void PortableSmallOmwuStep(SmallOmwuState& s) {
  VectorView log_weight(s.log_weight), weight(s.weight), payoffs(s.payoffs), previous_payoffs(s.previous_payoffs);
  log_weight.array() += s.step_size * (2.0 * payoffs.array() - previous_payoffs.array());
  if (++s.since_renormalized == s.renormalize_every) {
    log_weight.array() -= std::log(s.total);
    s.since_renormalized = 0;
  }
  VectorView(s.previous_weight) = weight;
  s.previous_total = s.total;
  weight = log_weight.array().exp();
  const Vector product = Multiply(s.a, s.weight);
  s.total = weight.sum();
  s.finite = std::isfinite(s.total) && s.total > 0;
  previous_payoffs = payoffs;
  payoffs = product * (1.0 / s.total);
  s.gap = 2 * payoffs.maxCoeff();  // padded payoffs are 0, and max_a (Aπ)_a >= πᵀAπ = 0
}

}  // namespace

std::int64_t PortableSmallOmwuSteps(SmallOmwuState& s, std::int64_t count, double gap_tolerance) {
  for (std::int64_t done = 1; done <= count; ++done) {
    PortableSmallOmwuStep(s);
    if (!KeepsIterating(s.gap, s.finite, gap_tolerance)) return done;
  }
  return count;
}

SmallOmwu::SmallOmwu(const Eigen::MatrixXd& a, double step_size, const Eigen::VectorXd& log_policy, bool portable) {
  SmallOmwuState& s = state_;
  s.n = static_cast<int>(a.rows());
  s.step_size = step_size;
  Eigen::Map<Matrix, Eigen::Aligned64>(s.a).topLeftCorner(s.n, s.n) = a;
  VectorView log_weight(s.log_weight), weight(s.weight);
  log_weight.setConstant(-1e300);
  log_weight.head(s.n) = log_policy.array() - log_policy.maxCoeff();
  weight = log_weight.array().exp();
  s.total = s.previous_total = weight.sum();
  // Between shifts the largest log-weight moves by at most |η(2g − g')| <= 3η·max|A| per iteration;
  // allow 300 of exp's ±708 range for the drift.
  const double drift = 3 * step_size * a.cwiseAbs().maxCoeff();
  // Clamped in double before the cast: a zero game (drift 0) gives 3e302, which no int holds (UBSan).
  s.renormalize_every = static_cast<int>(std::clamp(300 / std::max(drift, 1e-300), 1.0, 32.0));
  VectorView(s.previous_weight) = weight;
  VectorView(s.payoffs) = Multiply(s.a, s.weight) / s.total;
  VectorView(s.previous_payoffs) = VectorView(s.payoffs);
  s.gap = 2 * VectorView(s.payoffs).head(s.n).maxCoeff();
  // The AVX-512 exp covers ±707 around 0, with the drift bound above; beyond it (huge η·|A|, where
  // exp overflows anyway) the portable step reports the overflow.
  steps_ = portable || !(drift <= 300) ? nullptr : Avx512SmallOmwuSteps(s.n);
  if (steps_ == nullptr) steps_ = PortableSmallOmwuSteps;
}

Eigen::VectorXd SmallOmwu::log_policy() const {
  return ConstVectorView(state_.log_weight).head(state_.n).array() - std::log(state_.total);
}

Eigen::VectorXd SmallOmwu::policy() const { return ConstVectorView(state_.weight).head(state_.n) / state_.total; }

double SmallOmwu::min_log_probability() const {
  return ConstVectorView(state_.log_weight).head(state_.n).minCoeff() - std::log(state_.total);
}

double SmallOmwu::l1_change() const {
  return (ConstVectorView(state_.weight) / state_.total - ConstVectorView(state_.previous_weight) / state_.previous_total)
      .lpNorm<1>();
}

}  // namespace nlhf::internal
