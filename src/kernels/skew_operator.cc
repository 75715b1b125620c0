#include "nlhf/kernels/skew_operator.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "core/tiles.h"
#include "kernels/packed_rows.h"
#include "nlhf/error.h"

namespace nlhf {
namespace {

using kernels::kParallelFromBytes;
using kernels::PackedRows;

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
    row_split_ = kernels::SplitRowsByEntries(n, 0, n, threads);
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
