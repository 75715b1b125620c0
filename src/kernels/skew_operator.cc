#include "nlhf/kernels/skew_operator.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/tiles.h"
#include "nlhf/error.h"

namespace nlhf {
namespace {

// Below this many bytes of A one thread is faster than two: the matrix sits in the 32 MiB L3, and on these
// shared 2-core machines waking and joining the other thread costs tens of µs. Measured (nlhf bench,
// OMP_NUM_THREADS 1 vs 2, µs per iteration): n = 1000 packed f64 (4 MB) 61 vs 110, packed f32 40 vs 77,
// dense f64 (8 MB) 100 vs 105; n = 1400 dense f64 (16 MB) 214 vs 227; n = 2048 packed f32 (8 MB) 172 vs
// 173, packed f64 (17 MB) 344 vs 220, dense f64 (34 MB) 1077 vs 743.
constexpr std::size_t kParallelFromBytes = std::size_t{12} << 20;

// y_i = Σ_j a_ij x_j for rows [first, last); the inner loop vectorizes (float → double conversion + FMA).
template <typename T>
void DenseRows(const T* a, int n, int first, int last, const double* x, double* y) {
  for (int i = first; i < last; ++i) {
    const T* row = a + static_cast<std::size_t>(i) * n;
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int j = 0; j < n; ++j) sum += static_cast<double>(row[j]) * x[j];
    y[i] = sum;
  }
}

// y = A x = −Σ_j x_j a_j (A is skew: its column j is minus its row j). Row-wise axpys need no horizontal
// sums, which is what short rows cost most: at n = 10 this halves the time of the product.
template <typename T>
void DenseAxpyRows(const T* a, int n, const double* x, double* y) {
  std::fill(y, y + n, 0.0);
  for (int j = 0; j < n; ++j) {
    const T* row = a + static_cast<std::size_t>(j) * n;
    const double xj = x[j];
#pragma omp simd
    for (int i = 0; i < n; ++i) y[i] -= xj * static_cast<double>(row[i]);
  }
}

template <typename T>
void DenseMultiply(const T* a, int n, const double* x, double* y) {
  // A branch rather than an `if` clause: even a disabled parallel region costs a runtime call, which
  // is most of an iteration at n = 10.
  if (static_cast<std::size_t>(n) * n * sizeof(T) < kParallelFromBytes) {
    DenseAxpyRows(a, n, x, y);
    return;
  }
#pragma omp parallel
  {
    const int threads = omp_get_num_threads();
    const int thread = omp_get_thread_num();
    DenseRows(a, n, n * thread / threads, n * (thread + 1) / threads, x, y);
  }
}

// Rows [first, last) of the packed upper triangle into y (which the caller zeroed): row i holds a_ij for
// j > i; y_i gets Σ_j a_ij x_j and every y_j gets −a_ij x_i, both in the same sweep over the row.
//
// Rows are taken eight at a time where possible: rows i .. i + 7 share the columns j > i + 7, so x_j and
// y_j are loaded and y_j stored once for all eight, and the eight dot products are independent chains.
// The few entries among the eight rows themselves (j <= i + 7) are done one by one. Measured (nlhf
// bench, µs per iteration, two threads unless said): n = 8192 packed f32 two rows at a time 6.8 ms,
// four 4.4–4.6, eight 3.6–3.7 (one thread 7.3 → 6.0), sixteen no better than eight; n = 2048 packed f64
// 323 → 267 µs from four to eight; at n = 100 (in cache, where dense is the default) eight is ~15%
// slower than four. The eight rows are written out by hand: the same loop over arrays (a template on the
// block size, `omp simd reduction` over an array section) compiled to code 1.7× slower.
template <typename T>
void PackedRows(const T* a, int n, int first, int last, const double* x, double* y, std::size_t offset) {
  constexpr int kBlock = 8;
  int i = first;
  for (; i + kBlock <= last; i += kBlock) {
    const T* rows[kBlock];
    std::size_t row_offset = offset;
    for (int r = 0; r < kBlock; ++r) {
      rows[r] = a + row_offset;
      row_offset += static_cast<std::size_t>(n - (i + r) - 1);
    }
    // Entries inside the block: a_{i+r, i+c} for r < c < kBlock, at position c − r − 1 of row r.
    double sums[kBlock] = {};
    for (int r = 0; r < kBlock; ++r) {
      for (int c = r + 1; c < kBlock; ++c) {
        const double value = static_cast<double>(rows[r][c - r - 1]);
        sums[r] += value * x[i + c];
        sums[c] -= value * x[i + r];
      }
    }
    // The shared columns j >= i + kBlock start at position kBlock − r − 1 of row r.
    const T* r0 = rows[0] + 7;
    const T* r1 = rows[1] + 6;
    const T* r2 = rows[2] + 5;
    const T* r3 = rows[3] + 4;
    const T* r4 = rows[4] + 3;
    const T* r5 = rows[5] + 2;
    const T* r6 = rows[6] + 1;
    const T* r7 = rows[7];
    const double x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
    const double x4 = x[i + 4], x5 = x[i + 5], x6 = x[i + 6], x7 = x[i + 7];
    double* yj = y + i + kBlock;
    const double* xj = x + i + kBlock;
    const int length = n - i - kBlock;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3, s4, s5, s6, s7)
    for (int k = 0; k < length; ++k) {
      const double v0 = static_cast<double>(r0[k]);
      const double v1 = static_cast<double>(r1[k]);
      const double v2 = static_cast<double>(r2[k]);
      const double v3 = static_cast<double>(r3[k]);
      const double v4 = static_cast<double>(r4[k]);
      const double v5 = static_cast<double>(r5[k]);
      const double v6 = static_cast<double>(r6[k]);
      const double v7 = static_cast<double>(r7[k]);
      const double xk = xj[k];
      s0 += v0 * xk;
      s1 += v1 * xk;
      s2 += v2 * xk;
      s3 += v3 * xk;
      s4 += v4 * xk;
      s5 += v5 * xk;
      s6 += v6 * xk;
      s7 += v7 * xk;
      yj[k] -= ((v0 * x0 + v1 * x1) + (v2 * x2 + v3 * x3)) + ((v4 * x4 + v5 * x5) + (v6 * x6 + v7 * x7));
    }
    const double s[kBlock] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (int r = 0; r < kBlock; ++r) y[i + r] += sums[r] + s[r];
    offset = row_offset;
  }
  for (; i < last; ++i) {
    const T* row = a + offset;
    const int length = n - i - 1;
    const double xi = x[i];
    double* yj = y + i + 1;
    const double* xj = x + i + 1;
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int k = 0; k < length; ++k) {
      const double value = static_cast<double>(row[k]);
      sum += value * xj[k];
      yj[k] -= value * xi;
    }
    y[i] += sum;
    offset += static_cast<std::size_t>(length);
  }
}

}  // namespace

Layout DefaultLayout(int n) { return n >= 512 ? Layout::kPacked : Layout::kDense; }

SkewOperator::SkewOperator(int n, Storage storage, Layout layout) : n_(n), storage_(storage), layout_(layout) {
  if (n < 1) throw InvalidArgument(fmt::format("a payoff operator needs n >= 1, got {}", n));
  const std::size_t entries = layout == Layout::kDense ? static_cast<std::size_t>(n) * n
                                                       : static_cast<std::size_t>(n) * (n - 1) / 2;
  if (storage == Storage::kF64) {
    f64_.assign(entries, 0.0);
  } else {
    f32_.assign(entries, 0.0f);
  }
  if (layout == Layout::kPacked) {
    // Split the rows so that every thread reads about the same number of entries.
    const std::size_t bytes = entries * (storage == Storage::kF64 ? sizeof(double) : sizeof(float));
    const int threads = bytes >= kParallelFromBytes ? std::max(1, omp_get_max_threads()) : 1;
    row_split_.push_back(0);
    const double share = static_cast<double>(entries) / threads;
    std::size_t done = 0;
    for (int i = 0; i < n && static_cast<int>(row_split_.size()) < threads; ++i) {
      done += static_cast<std::size_t>(n - i - 1);
      if (static_cast<double>(done) >= share * static_cast<double>(row_split_.size())) row_split_.push_back(i + 1);
    }
    row_split_.push_back(n);
    scratch_.assign(row_split_.size() - 1, std::vector<double>(n));
  }
}

SkewOperator::SkewOperator(const Eigen::MatrixXd& payoff, Storage storage, Layout layout)
    : SkewOperator(static_cast<int>(payoff.rows()), storage, layout) {
  if (payoff.rows() != payoff.cols()) {
    throw InvalidArgument(fmt::format("a skew payoff operator needs a square matrix, got {}×{}", payoff.rows(),
                                      payoff.cols()));
  }
  tiles::ForEachUpperPair(n_, [&](int i, int j) {
    // The skew part ½(A − Aᵀ): exactly A for a valid preference matrix.
    const double value = 0.5 * (payoff(i, j) - payoff(j, i));
    Set(i, j, value);
    if (layout_ == Layout::kDense) Set(j, i, -value);
  });
}

std::size_t SkewOperator::RowOffset(int i) const {
  const auto row = static_cast<std::size_t>(i);
  const auto n = static_cast<std::size_t>(n_);
  return layout_ == Layout::kDense ? row * n : row * n - row * (row + 1) / 2;
}

void SkewOperator::Set(int i, int j, double value) {
  const std::size_t index = layout_ == Layout::kDense ? RowOffset(i) + static_cast<std::size_t>(j)
                                                      : RowOffset(i) + static_cast<std::size_t>(j - i - 1);
  if (storage_ == Storage::kF64) {
    f64_[index] = value;
  } else {
    f32_[index] = static_cast<float>(value);
  }
}

std::size_t SkewOperator::bytes() const {
  return storage_ == Storage::kF64 ? f64_.size() * sizeof(double) : f32_.size() * sizeof(float);
}

double SkewOperator::MaxAbs() const {
  const auto max_abs = [](const auto& values) {
    double maximum = 0;
    for (const auto value : values) maximum = std::max(maximum, static_cast<double>(std::abs(value)));
    return maximum;
  };
  return storage_ == Storage::kF64 ? max_abs(f64_) : max_abs(f32_);
}

std::string SkewOperator::Describe() const {
  return fmt::format("{} {}, {:.3g} GB", LayoutName(layout_), StorageName(storage_), static_cast<double>(bytes()) / 1e9);
}

void SkewOperator::Multiply(const double* x, double* y) const {
  if (layout_ == Layout::kDense) {
    if (storage_ == Storage::kF64) {
      DenseMultiply(f64_.data(), n_, x, y);
    } else {
      DenseMultiply(f32_.data(), n_, x, y);
    }
    return;
  }
  const int blocks = static_cast<int>(row_split_.size()) - 1;
  if (blocks == 1) {
    std::fill(y, y + n_, 0.0);
    if (storage_ == Storage::kF64) {
      PackedRows(f64_.data(), n_, 0, n_, x, y, 0);
    } else {
      PackedRows(f32_.data(), n_, 0, n_, x, y, 0);
    }
    return;
  }
  // One parallel region: each thread sweeps its block of rows into its own accumulator, then, after the
  // barrier, sums the accumulators over its share of y (a second region cost another fork and join).
#pragma omp parallel num_threads(blocks)
  {
    // The runtime may give fewer threads than blocks (inside another parallel region, one): then a
    // thread takes several blocks.
    const int thread = omp_get_thread_num(), threads = omp_get_num_threads();
    for (int b = thread; b < blocks; b += threads) {
      std::vector<double>& partial = scratch_[b];
      std::fill(partial.begin(), partial.end(), 0.0);
      const std::size_t offset = RowOffset(row_split_[b]);
      if (storage_ == Storage::kF64) {
        PackedRows(f64_.data(), n_, row_split_[b], row_split_[b + 1], x, partial.data(), offset);
      } else {
        PackedRows(f32_.data(), n_, row_split_[b], row_split_[b + 1], x, partial.data(), offset);
      }
    }
#pragma omp barrier
    for (int i = n_ * thread / threads; i < n_ * (thread + 1) / threads; ++i) {
      double sum = 0;
      for (int b = 0; b < blocks; ++b) sum += scratch_[b][i];
      y[i] = sum;
    }
  }
}

}  // namespace nlhf
