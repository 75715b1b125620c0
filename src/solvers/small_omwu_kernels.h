// The state and the step functions of OMWU on a game of at most 16 actions, in plain fixed-size arrays
// and without Eigen, so that small_omwu_avx512.cc, compiled for AVX-512 whatever the build's target,
// instantiates no inline function that other files share (see there).
#ifndef NLHF_SRC_SOLVERS_SMALL_OMWU_KERNELS_H_
#define NLHF_SRC_SOLVERS_SMALL_OMWU_KERNELS_H_

#include <cstdint>

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
  static constexpr int kSize = kSmallOmwuMaxActions;
  int n = 0;
  double step_size = 0;
  alignas(64) double a[kSize * kSize] = {};  // column-major: column j at a + 16j
  alignas(64) double log_weight[kSize] = {};
  alignas(64) double weight[kSize] = {};
  alignas(64) double previous_weight[kSize] = {};
  alignas(64) double payoffs[kSize] = {};  // A·weight / total
  alignas(64) double previous_payoffs[kSize] = {};
  double total = 1, previous_total = 1;  // Σ weight
  int renormalize_every = 1, since_renormalized = 0;
  double gap = 0;  // 2·max_a payoffs_a
  bool finite = true;
};

// Up to `count` OMWU updates of `state`, each followed by the product for the new iterate, ending after the
// first whose weights are not finite or whose gap is not finite or not above `gap_tolerance` (the solve
// loop's own test, solvers/stopping_rules.h: KeepsIterating); returns the updates made. One update is
// (state, 1, anything).
using SmallOmwuSteps = std::int64_t (*)(SmallOmwuState& state, std::int64_t count, double gap_tolerance);

// The updates written with Eigen's fixed-size arrays: every machine.
std::int64_t PortableSmallOmwuSteps(SmallOmwuState& state, std::int64_t count, double gap_tolerance);

// The same updates written for AVX-512, specialized to n actions, the state held in registers from the
// first update to the last; nullptr where the processor lacks AVX-512 (F and DQ) or the compiler cannot
// target it.
SmallOmwuSteps Avx512SmallOmwuSteps(int n);

// Two games of the same n advanced together by the AVX-512 updates, in one loop so that the processor
// overlaps their independent chains of dependent steps: up to `counts.first` updates of the first game and
// `counts.second` of the second, each game's updates bit for bit those SmallOmwuSteps makes. While both have
// updates left they go side by side, ending for both after the first update at which either stops (as
// SmallOmwuSteps ends); then the longer stretch's rest runs alone. Returns the updates made of each.
// nullptr where Avx512SmallOmwuSteps is.
struct PairedUpdates {
  std::int64_t first = 0, second = 0;
};
using PairedSmallOmwuSteps = PairedUpdates (*)(SmallOmwuState& first, SmallOmwuState& second, PairedUpdates counts,
                                               double gap_tolerance);
PairedSmallOmwuSteps Avx512PairedSmallOmwuSteps(int n);

// y_i = 2^(x_i/16), the exp of that step (whose inputs are log-weights in sixteenths of a binary
// logarithm), for tests; false where Avx512SmallOmwuSteps gives nullptr.
bool Avx512Exp2Sixteenths(const double* x, double* y, int count);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_SMALL_OMWU_KERNELS_H_
