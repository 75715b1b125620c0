// OMWU self-play on a game of at most 16 actions, the whole iteration in fixed-size padded arrays: the
// path FusedOmwu takes for small games (one context of a batch, `nlhf bench --n 10`). At this size an
// iteration is a short chain of dependent vector steps (update, exp, product, normalization), so its
// cost is latency, not memory; the state below is laid out for that.
#ifndef NLHF_SRC_SOLVERS_SMALL_OMWU_H_
#define NLHF_SRC_SOLVERS_SMALL_OMWU_H_

#include <Eigen/Core>

namespace nlhf::internal {

inline constexpr int kSmallOmwuMaxActions = 16;

// Padded entries hold log-weight −1e300 (weight exactly 0, arithmetic still finite) and payoff 0, so they
// never change the sums, maxima or products of the real ones.
//
// log π = log_weight − log(total) is kept unnormalized: the product is taken on the unnormalized weights
// u = exp(log_weight) and scaled by 1/Σu afterwards, so the sum and its division run beside the product
// instead of before it, and the logarithm of the normalizer is taken only every `renormalize_every`
// iterations (log_weight shifted by it), often enough that exp never nears its range (no max-shift).
struct SmallOmwuState {
  using Vector = Eigen::Matrix<double, kSmallOmwuMaxActions, 1>;
  using Matrix = Eigen::Matrix<double, kSmallOmwuMaxActions, kSmallOmwuMaxActions>;
  int n = 0;
  double step_size = 0;
  Matrix a = Matrix::Zero();  // column-major: column j at a.data() + 16j
  Vector log_weight = Vector::Constant(-1e300), weight = Vector::Zero(), previous_weight = Vector::Zero(),
         payoffs = Vector::Zero(), previous_payoffs = Vector::Zero();  // payoffs = A·weight / total
  double total = 1, previous_total = 1;                               // Σ weight
  int renormalize_every = 1, since_renormalized = 0;
  double gap = 0;  // 2·max_a payoffs_a
  bool finite = true;
};

// One OMWU update of `state` followed by the product for the new iterate.
using SmallOmwuStep = void (*)(SmallOmwuState&);

// The update written with Eigen's fixed-size arrays: every machine.
void PortableSmallOmwuStep(SmallOmwuState& state);

// The same update written for AVX-512, specialized to n actions; nullptr where the build's instruction set
// lacks AVX-512 (F and DQ).
SmallOmwuStep Avx512SmallOmwuStep(int n);

// y_i = 2^(x_i/16), the exp of that step (whose inputs are log-weights in sixteenths of a binary
// logarithm), for tests; false where the build lacks AVX-512.
bool Avx512Exp2Sixteenths(const double* x, double* y, int count);

class SmallOmwu {
 public:
  // `a`: the n × n payoff matrix (n <= kSmallOmwuMaxActions); `log_policy`: the normalized starting point.
  // `portable` picks PortableSmallOmwuStep even where AVX-512 is available (for tests that compare them).
  SmallOmwu(const Eigen::MatrixXd& a, double step_size, const Eigen::VectorXd& log_policy, bool portable = false);

  void Step() { step_(state_); }

  double gap() const { return state_.gap; }
  bool finite() const { return state_.finite; }
  Eigen::VectorXd LogPolicy() const;
  Eigen::VectorXd Policy() const;
  double MinLogProbability() const;
  double L1Change() const;  // ‖π_t − π_{t−1}‖₁
  const SmallOmwuState& state() const { return state_; }

 private:
  SmallOmwuState state_;
  SmallOmwuStep step_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_SMALL_OMWU_H_
