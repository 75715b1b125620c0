#include "distributed/row_block_operator.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "kernels/packed_rows.h"
#include "nlhf/error.h"
#include "nlhf/io/mapped_file.h"
#include "nlhf/io/npy_operator.h"

namespace nlhf::distributed {

std::pair<int, int> BalancedRowBlock(int n, int part, int parts) {
  const double total = 0.5 * static_cast<double>(n) * static_cast<double>(n - 1);
  // The first row whose preceding entries, i·(2n − i − 1)/2, reach `share` of the total.
  const auto boundary = [&](int p) {
    if (p <= 0) return 0;
    if (p >= parts) return n;
    const double share = total * p / parts;
    int row = 0;
    for (int step = 1 << 30; step > 0; step >>= 1) {
      const int next = row + step;
      if (next <= n && 0.5 * next * (2.0 * n - next - 1) < share) row = next;
    }
    return std::min(n, row + 1);
  };
  return {boundary(part), boundary(part + 1)};
}

RowBlockSkewOperator::RowBlockSkewOperator(const MpiWorld& world, int n, int first, int end, Storage storage)
    : world_(world), n_(n), first_(first), end_(end), storage_(storage), partial_(static_cast<std::size_t>(n)) {
  const std::size_t entries = RowOffset(end);
  if (storage == Storage::kF64) {
    f64_.resize(entries);
  } else {
    f32_.resize(entries);
  }
  // Threads inside the rank, as one process uses them (kernels/packed_rows.h): a block large enough to
  // gain from them is split among OMP_NUM_THREADS by entries.
  const std::size_t bytes = entries * (storage == Storage::kF64 ? sizeof(double) : sizeof(float));
  const int threads = bytes >= kernels::kParallelFromBytes ? std::max(1, omp_get_max_threads()) : 1;
  thread_split_ = kernels::SplitRowsByEntries(n, first, end, threads);
  if (thread_split_.size() > 2) scratch_.assign(thread_split_.size() - 1, std::vector<double>(static_cast<size_t>(n)));
}

std::size_t RowBlockSkewOperator::RowOffset(int i) const {
  // Σ_{k = first}^{i − 1} (n − 1 − k)
  const auto rows = static_cast<std::size_t>(i - first_);
  return rows * static_cast<std::size_t>(n_ - 1) - (static_cast<std::size_t>(i) * (i - 1) - static_cast<std::size_t>(first_) * (first_ - 1)) / 2;
}

std::shared_ptr<const RowBlockSkewOperator> RowBlockSkewOperator::ReadNpy(const MpiWorld& world, const std::string& path,
                                                                          Storage storage, const MatrixGameOptions& options,
                                                                          double* projection_change) {
  std::shared_ptr<RowBlockSkewOperator> op;
  std::exception_ptr error;
  double change = 0;
  int n = 0;
  try {
    const MappedFile file(path);
    NpySkewEntries entries(file.bytes(), path, options);
    n = entries.n();
    const auto [first, end] = BalancedRowBlock(n, world.rank(), world.size());
    op.reset(new RowBlockSkewOperator(world, n, first, end, storage));
    for (int i = first; i < end; ++i) {
      const std::size_t offset = op->RowOffset(i);
      for (int j = i + 1; j < n; ++j) {
        const double a = entries(i, j);
        if (storage == Storage::kF64) {
          op->f64_[offset + static_cast<std::size_t>(j - i - 1)] = a;
        } else {
          op->f32_[offset + static_cast<std::size_t>(j - i - 1)] = static_cast<float>(a);
        }
      }
    }
    change = entries.projection_change();
  } catch (...) {
    error = std::current_exception();
  }
  // A file every rank fails to read is rank 0's to report; a bad entry, the rank's whose rows hold it
  // first.
  world.AgreeOnFirstError(error, static_cast<std::uint64_t>(world.rank()));
  if (projection_change) *projection_change = world.Max(change);
  return op;
}

void RowBlockSkewOperator::Multiply(const double* x, double* y) const {
  const int blocks = static_cast<int>(thread_split_.size()) - 1;
  const auto sweep = [&](int b, double* into) {
    const int first = thread_split_[static_cast<size_t>(b)], last = thread_split_[static_cast<size_t>(b) + 1];
    if (storage_ == Storage::kF64) {
      kernels::PackedRows(f64_.data(), n_, first, last, x, into, RowOffset(first));
    } else {
      kernels::PackedRows(f32_.data(), n_, first, last, x, into, RowOffset(first));
    }
  };
  if (blocks == 1) {
    std::fill(partial_.begin(), partial_.end(), 0.0);
    sweep(0, partial_.data());
  } else {
    // As SkewOperator does: each thread sweeps its run of rows into its own accumulator, then sums the
    // accumulators over its share of the rank's part, in one parallel region.
#pragma omp parallel num_threads(blocks)
    {
      const int thread = omp_get_thread_num(), threads = omp_get_num_threads();
      for (int b = thread; b < blocks; b += threads) {
        std::vector<double>& scratch = scratch_[static_cast<size_t>(b)];
        std::fill(scratch.begin(), scratch.end(), 0.0);
        sweep(b, scratch.data());
      }
#pragma omp barrier
      for (int i = n_ * thread / threads; i < n_ * (thread + 1) / threads; ++i) {
        double sum = 0;
        for (int b = 0; b < blocks; ++b) sum += scratch_[static_cast<size_t>(b)][static_cast<size_t>(i)];
        partial_[static_cast<size_t>(i)] = sum;
      }
    }
  }
  world_.SumInPlace(partial_.data(), n_);
  std::copy(partial_.begin(), partial_.end(), y);
}

double RowBlockSkewOperator::MaxAbs() const {
  double most = 0;
  for (const double a : f64_) most = std::max(most, std::abs(a));
  for (const float a : f32_) most = std::max(most, static_cast<double>(std::abs(a)));
  return world_.Max(most);
}

std::string RowBlockSkewOperator::Describe() const {
  const double bytes = static_cast<double>(f64_.size() * sizeof(double) + f32_.size() * sizeof(float));
  return fmt::format("packed {} in row blocks over {} ranks, {:.3g} MB on this rank", StorageName(storage_),
                     world_.size(), bytes / 1e6);
}

}  // namespace nlhf::distributed
