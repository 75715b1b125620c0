// PortableSmallOmwuSteps written with AVX-512 intrinsics, specialized to the number of actions. Why not
// through Eigen: at n = 10 Eigen's vectorized exp (a rational approximation with a division) was half of
// the iteration (measured: 51 ns per iteration, 25 ns with exp replaced by a constant-cost stand-in), and
// the exp below needs a two-register table lookup (vpermt2pd) and exponent arithmetic that Eigen's public
// API does not offer. Everything else follows the portable step line by line.
#include "solvers/small_omwu_kernels.h"

// Compiled for AVX-512 whatever the build's target (a portable build, -DNLHF_NATIVE=OFF, still gets this
// path on processors that have it; Avx512SmallOmwuSteps asks the processor at run time). Only the code
// below the target pragma is compiled for AVX-512, and it calls no inline function that other files
// also instantiate (no Eigen, no std:: templates: memcpy, builtins), so the linker can never hand an
// AVX-512 copy of a shared function to code running on a processor without it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)  // GCC's target pragma
#define NLHF_SMALL_OMWU_AVX512 1
#endif

#ifdef NLHF_SMALL_OMWU_AVX512

// GCC 12's AVX-512 intrinsics fill unused operands with _mm256_undefined_pd(), which its own
// -Wuninitialized then reports at every use (a false positive, gone in later GCC).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <utility>

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq")

namespace nlhf::internal {
namespace {

// The inputs of exp are scaled to sixteenths of a binary logarithm: exp(v) = 2^(x/16), x = v·16/log 2.
constexpr double kSixteenthsPerNat = 16 / std::numbers::ln2;

// 2^(x/16) for x/16 in [−1020, 1022] within 3 ulp (2.06 measured in small_omwu_test), 0 below (where the
// true value is under 1e-307: nothing next to a normalizer above 1e-300), NaN for NaN. With k = round(x)
// and s = x − k (exact, |s| <= 1/2): 2^(x/16) = 2^⌊k/16⌋ · 2^((k mod 16)/16) · exp(s·log 2/16). The
// middle factor comes from a 16-entry table held in two registers; the last is a degree-7 Taylor
// polynomial on |s·log 2/16| <= 0.0217, whose truncation error is 1e-18, evaluated in Estrin's scheme
// (three dependent steps instead of seven); the first is added to the exponent bits.
class Exp2Sixteenths {
 public:
  Exp2Sixteenths() {
    alignas(64) double table[16];
    for (int j = 0; j < 16; ++j) table[j] = __builtin_exp2(j / 16.0);
    table_low_ = _mm512_load_pd(table);
    table_high_ = _mm512_load_pd(table + 8);
    double power = 1, factorial = 1;
    for (int i = 0; i < 8; ++i) {
      coefficients_[i] = _mm512_set1_pd(power / factorial);
      power *= std::numbers::ln2 / 16;
      factorial *= i + 1;
    }
  }

  __m512d operator()(__m512d x) const {
    const __m512d k = _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const __m512d s = _mm512_sub_pd(x, k);
    const __m512d s2 = _mm512_mul_pd(s, s);
    const __m512d s4 = _mm512_mul_pd(s2, s2);
    const __m512d p01 = _mm512_fmadd_pd(coefficients_[1], s, coefficients_[0]);
    const __m512d p23 = _mm512_fmadd_pd(coefficients_[3], s, coefficients_[2]);
    const __m512d p45 = _mm512_fmadd_pd(coefficients_[5], s, coefficients_[4]);
    const __m512d p67 = _mm512_fmadd_pd(coefficients_[7], s, coefficients_[6]);
    const __m512d p03 = _mm512_fmadd_pd(p23, s2, p01);
    const __m512d p47 = _mm512_fmadd_pd(p67, s2, p45);
    const __m512d polynomial = _mm512_fmadd_pd(p47, s4, p03);
    const __m512i k_integer = _mm512_cvtpd_epi64(k);
    // vpermt2pd reads the low four bits of each index: k mod 16, also for negative k.
    const __m512d fraction = _mm512_permutex2var_pd(table_low_, k_integer, table_high_);
    const __m512i exponent = _mm512_slli_epi64(_mm512_srai_epi64(k_integer, 4), 52);
    // Unordered compare: NaN is kept (and stays NaN), everything under the range becomes 0.
    const __mmask8 in_range = _mm512_cmp_pd_mask(x, _mm512_set1_pd(-16.0 * 1020), _CMP_NLT_UQ);
    const __m512d mantissa = _mm512_mul_pd(polynomial, fraction);
    return _mm512_castsi512_pd(_mm512_maskz_add_epi64(in_range, _mm512_castpd_si512(mantissa), exponent));
  }

 private:
  __m512d table_low_, table_high_;
  __m512d coefficients_[8];
};

const Exp2Sixteenths& Exp2() {
  static const Exp2Sixteenths exp2;
  return exp2;
}

// Lane j mod 8 of `x`, in every lane.
inline __m512d Broadcast(__m512d x, int j) { return _mm512_permutexvar_pd(_mm512_set1_epi64(j & 7), x); }

// One game's state in registers: loaded once, updated there for a whole stretch of updates, stored once,
// so that a stretch waits on no store and reload between its updates, nor on a call.
template <int N>
class Registers {
 public:
  explicit Registers(SmallOmwuState& s)
      : s_(s), step_(_mm512_set1_pd(s.step_size)), twice_step_(_mm512_set1_pd(2 * s.step_size)),
        twice_scaled_step_(_mm512_set1_pd(2 * s.step_size * kSixteenthsPerNat)), total_(s.total),
        previous_total_(s.previous_total), gap_(s.gap), finite_(s.finite), since_renormalized_(s.since_renormalized) {
    for (int h = 0; h < kHalves; ++h) {
      log_w_[h] = _mm512_loadu_pd(s.log_weight + 8 * h);
      w_[h] = _mm512_loadu_pd(s.weight + 8 * h);
      previous_w_[h] = _mm512_loadu_pd(s.previous_weight + 8 * h);
      payoffs_[h] = _mm512_loadu_pd(s.payoffs + 8 * h);
      previous_payoffs_[h] = _mm512_loadu_pd(s.previous_payoffs + 8 * h);
    }
  }

  // Back into the state it was loaded from.
  void Store() const {
    SmallOmwuState& s = s_;
    for (int h = 0; h < kHalves; ++h) {
      _mm512_storeu_pd(s.log_weight + 8 * h, log_w_[h]);
      _mm512_storeu_pd(s.weight + 8 * h, w_[h]);
      _mm512_storeu_pd(s.previous_weight + 8 * h, previous_w_[h]);
      _mm512_storeu_pd(s.payoffs + 8 * h, payoffs_[h]);
      _mm512_storeu_pd(s.previous_payoffs + 8 * h, previous_payoffs_[h]);
    }
    s.total = total_;
    s.previous_total = previous_total_;
    s.gap = gap_;
    s.finite = finite_;
    s.since_renormalized = since_renormalized_;
  }

  // One update and the product for the new iterate; whether the solve loop would go on from it
  // (KeepsIterating, solvers/stopping_rules.h, spelled out: an inline function of another file must not be
  // compiled here, see the top of this file).
  [[gnu::always_inline]] bool Update(const Exp2Sixteenths& exp2, double gap_tolerance) {
    const __m512d scale = _mm512_set1_pd(kSixteenthsPerNat);
    // log_weight += η(2g − g'), as (log_weight − ηg') + 2η·g so that only the last step waits for g; exp's
    // scaled input is computed beside it from the same operands rather than after it.
    __m512d scaled[kHalves];
    for (int h = 0; h < kHalves; ++h) {
      const __m512d before = _mm512_fnmadd_pd(previous_payoffs_[h], step_, log_w_[h]);
      log_w_[h] = _mm512_fmadd_pd(payoffs_[h], twice_step_, before);
      scaled[h] = _mm512_fmadd_pd(payoffs_[h], twice_scaled_step_, _mm512_mul_pd(before, scale));
    }
    if (++since_renormalized_ == s_.renormalize_every) {
      const double shift = __builtin_log(total_);
      for (int h = 0; h < kHalves; ++h) {
        log_w_[h] = _mm512_sub_pd(log_w_[h], _mm512_set1_pd(shift));
        scaled[h] = _mm512_sub_pd(scaled[h], _mm512_set1_pd(shift * kSixteenthsPerNat));
      }
      since_renormalized_ = 0;
    }
    previous_total_ = total_;
    for (int h = 0; h < kHalves; ++h) {
      previous_w_[h] = w_[h];
      previous_payoffs_[h] = payoffs_[h];
      w_[h] = exp2(scaled[h]);
    }
    // y = A·w over the N real columns, four independent sums per register of rows.
    __m512d sums[kHalves][4];
    const double* a = s_.a;
    for (int j = 0; j < N; ++j) {
      const __m512d wj = Broadcast(w_[j / 8], j);
      for (int h = 0; h < kHalves; ++h) {
        const __m512d column = _mm512_loadu_pd(a + kSmallOmwuMaxActions * j + 8 * h);
        sums[h][j & 3] = j < 4 ? _mm512_mul_pd(column, wj) : _mm512_fmadd_pd(column, wj, sums[h][j & 3]);
      }
    }
    __m512d weights = w_[0];
    for (int h = 1; h < kHalves; ++h) weights = _mm512_add_pd(weights, w_[h]);
    total_ = _mm512_reduce_add_pd(weights);
    finite_ = __builtin_isfinite(total_) && total_ > 0;
    const __m512d inverse_total = _mm512_set1_pd(1 / total_);
    __m512d maximum = _mm512_setzero_pd();  // padded payoffs are 0, and max_a (Aπ)_a >= πᵀAπ = 0
    for (int h = 0; h < kHalves; ++h) {
      __m512d y = sums[h][0];
      if constexpr (N >= 4) {
        y = _mm512_add_pd(_mm512_add_pd(sums[h][0], sums[h][1]), _mm512_add_pd(sums[h][2], sums[h][3]));
      } else {
        for (int k = 1; k < N; ++k) y = _mm512_add_pd(y, sums[h][k]);
      }
      payoffs_[h] = _mm512_mul_pd(y, inverse_total);
      maximum = _mm512_max_pd(maximum, payoffs_[h]);
    }
    gap_ = 2 * _mm512_reduce_max_pd(maximum);
    return finite_ && __builtin_isfinite(gap_) && gap_ > gap_tolerance;
  }

 private:
  static constexpr int kHalves = (N + 7) / 8;  // registers of eight doubles per vector
  SmallOmwuState& s_;
  const __m512d step_, twice_step_, twice_scaled_step_;
  __m512d log_w_[kHalves], w_[kHalves], previous_w_[kHalves], payoffs_[kHalves], previous_payoffs_[kHalves];
  double total_, previous_total_, gap_;
  bool finite_;
  int since_renormalized_;
};

// Up to `count` updates of `game`, ending after the first at which it stops; the updates made.
template <int N>
[[gnu::always_inline]] inline std::int64_t UpdatesWhileAbove(Registers<N>& game, const Exp2Sixteenths& exp2,
                                                             std::int64_t count, double gap_tolerance) {
  std::int64_t done = 0;
  while (done < count) {
    ++done;
    if (!game.Update(exp2, gap_tolerance)) break;
  }
  return done;
}

template <int N>
std::int64_t Steps(SmallOmwuState& s, std::int64_t count, double gap_tolerance) {
  Registers<N> game(s);
  const std::int64_t done = UpdatesWhileAbove(game, Exp2(), count, gap_tolerance);
  game.Store();
  return done;
}

// Two games' updates side by side: each update is a chain of dependent steps whose latency one game
// leaves idle; the other game's independent chain fills it. The longer stretch's rest runs alone.
template <int N>
PairedUpdates PairedSteps(SmallOmwuState& first, SmallOmwuState& second, PairedUpdates counts, double gap_tolerance) {
  const Exp2Sixteenths& exp2 = Exp2();
  Registers<N> one(first), two(second);
  const std::int64_t both = counts.first < counts.second ? counts.first : counts.second;
  PairedUpdates made{0, 0};
  bool both_go_on = true;
  while (made.first < both) {
    ++made.first;
    const bool first_goes_on = one.Update(exp2, gap_tolerance);
    const bool second_goes_on = two.Update(exp2, gap_tolerance);
    if (!(first_goes_on && second_goes_on)) {
      both_go_on = false;
      break;
    }
  }
  made.second = made.first;
  if (both_go_on) {
    made.first += UpdatesWhileAbove(one, exp2, counts.first - made.first, gap_tolerance);
    made.second += UpdatesWhileAbove(two, exp2, counts.second - made.second, gap_tolerance);
  }
  one.Store();
  two.Store();
  return made;
}

void Exp2SixteenthsOfArray(const double* x, double* y, int count) {
  for (int i = 0; i < count; i += 8) {
    const __mmask8 lanes = count - i >= 8 ? 0xFF : static_cast<__mmask8>((1u << (count - i)) - 1);
    _mm512_mask_storeu_pd(y + i, lanes, Exp2()(_mm512_maskz_loadu_pd(lanes, x + i)));
  }
}

}  // namespace
}  // namespace nlhf::internal

#pragma GCC pop_options

// Compiled for the build's own target: these run before anyone knows whether the processor has AVX-512.
namespace nlhf::internal {
namespace {

bool ProcessorHasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return has;
}

template <int... N>
SmallOmwuSteps StepsFor(int n, std::integer_sequence<int, N...>) {
  static constexpr SmallOmwuSteps kSteps[] = {Steps<N + 1>...};
  return kSteps[n - 1];
}

template <int... N>
PairedSmallOmwuSteps PairedStepsFor(int n, std::integer_sequence<int, N...>) {
  static constexpr PairedSmallOmwuSteps kSteps[] = {PairedSteps<N + 1>...};
  return kSteps[n - 1];
}

}  // namespace

bool Avx512Exp2Sixteenths(const double* x, double* y, int count) {
  if (!ProcessorHasAvx512()) return false;
  Exp2SixteenthsOfArray(x, y, count);
  return true;
}

SmallOmwuSteps Avx512SmallOmwuSteps(int n) {
  if (n < 1 || n > kSmallOmwuMaxActions || !ProcessorHasAvx512()) return nullptr;
  return StepsFor(n, std::make_integer_sequence<int, kSmallOmwuMaxActions>());
}

PairedSmallOmwuSteps Avx512PairedSmallOmwuSteps(int n) {
  if (n < 1 || n > kSmallOmwuMaxActions || !ProcessorHasAvx512()) return nullptr;
  return PairedStepsFor(n, std::make_integer_sequence<int, kSmallOmwuMaxActions>());
}

}  // namespace nlhf::internal


#else

namespace nlhf::internal {
bool Avx512Exp2Sixteenths(const double*, double*, int) { return false; }
SmallOmwuSteps Avx512SmallOmwuSteps(int) { return nullptr; }
PairedSmallOmwuSteps Avx512PairedSmallOmwuSteps(int) { return nullptr; }
}  // namespace nlhf::internal

#endif
