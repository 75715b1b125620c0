// The payoff operator x ↦ A x of a skew-symmetric A (A = P − 1/2), stored to read as few bytes as possible.
//
// OMWU's cost per iteration is one product with A; everything else is O(n). So the floor is the bytes of A
// read once per iteration, and the storage decides it:
//   dense  f64  8·n² bytes    the reference
//   dense  f32  4·n² bytes    probabilities tolerate float32 storage; products accumulate in double
//   packed f64  4·n(n−1) bytes  only the strict upper triangle: each stored a_ij serves both
//   packed f32  2·n(n−1) bytes  y_i += a_ij x_j and y_j −= a_ij x_i in one pass
// Rows are split across OpenMP threads for large n (packed rows balanced by their lengths, each thread
// accumulating into its own buffer).
#ifndef NLHF_KERNELS_SKEW_OPERATOR_H_
#define NLHF_KERNELS_SKEW_OPERATOR_H_

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nlhf/enum_names.h"
#include "nlhf/game.h"
#include "nlhf/huge_pages.h"

namespace nlhf {

enum class Storage { kF64, kF32 };
enum class Layout { kDense, kPacked };

inline constexpr EnumNames<Storage, 2> kStorageNames{{{Storage::kF64, "f64"}, {Storage::kF32, "f32"}}};
inline constexpr EnumNames<Layout, 2> kLayoutNames{{{Layout::kDense, "dense"}, {Layout::kPacked, "packed"}}};
inline const char* StorageName(Storage storage) { return NameOf(kStorageNames, storage); }
inline const char* LayoutName(Layout layout) { return NameOf(kLayoutNames, layout); }
// Throw InvalidArgument on a name not in the table.
inline Storage ParseStorage(std::string_view name) { return ParseName(kStorageNames, name, "storage"); }
inline Layout ParseLayout(std::string_view name) { return ParseName(kLayoutNames, name, "layout"); }

// The layout chosen when none is given: packed from n = 512 on, where the matrix stops fitting in the
// L2 cache and the halved bytes pay; f64 always (f32 changes the answer's attainable accuracy).
Layout DefaultLayout(int n);

class SkewOperator final : public SkewPayoffOperator {
 public:
  // Copies the skew-symmetric part of `payoff` (which must be square) into the chosen storage.
  SkewOperator(const Eigen::MatrixXd& payoff, Storage storage, Layout layout);
  // An operator filled row by row from the strict upper triangle: entry(i, j) for i < j. Never builds a
  // dense n×n matrix, so packed f32 reaches n = 65536 (8.6 GB) on a 24 GiB machine.
  template <typename Entry>
  static SkewOperator FromUpperTriangle(int n, Storage storage, Layout layout, Entry entry);

  int n() const override { return n_; }
  Storage storage() const { return storage_; }
  Layout layout() const { return layout_; }
  // Bytes of A read by one Multiply.
  std::size_t bytes() const;

  // y = A x, accumulated in double. x and y hold n entries and must not overlap.
  void Multiply(const double* x, double* y) const override;
  // A pass over the stored entries.
  double MaxAbs() const override;
  // "packed f32, 2.15 GB".
  std::string Describe() const override;

 private:
  SkewOperator(int n, Storage storage, Layout layout);
  std::size_t RowOffset(int i) const;  // where row i starts
  void Set(int i, int j, double value);

  int n_;
  Storage storage_;
  Layout layout_;
  std::vector<double, HugePageAllocator<double>> f64_;
  std::vector<float, HugePageAllocator<float>> f32_;
  std::vector<int> row_split_;  // packed: first row of each thread's block (balanced by work)
  mutable std::vector<std::vector<double>> scratch_;  // packed, parallel: one accumulator per thread
};

template <typename Entry>
SkewOperator SkewOperator::FromUpperTriangle(int n, Storage storage, Layout layout, Entry entry) {
  SkewOperator op(n, storage, layout);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const double value = entry(i, j);
      op.Set(i, j, value);
      if (layout == Layout::kDense) op.Set(j, i, -value);
    }
  }
  return op;
}

}  // namespace nlhf

#endif  // NLHF_KERNELS_SKEW_OPERATOR_H_
