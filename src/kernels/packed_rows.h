// The packed skew product's kernel, shared by the one-process operator (nlhf/kernels/skew_operator.h) and
// the row blocks of a game split across MPI ranks (src/distributed/row_block_operator.h): rows of the
// strict upper triangle swept into y, the rows split among threads by the entries they hold.
#ifndef NLHF_SRC_KERNELS_PACKED_ROWS_H_
#define NLHF_SRC_KERNELS_PACKED_ROWS_H_

#include <cstddef>
#include <vector>

namespace nlhf::kernels {

// Below this many bytes of A one thread is faster than two: the matrix sits in the 32 MiB L3, and on these
// shared 2-core machines waking and joining the other thread costs tens of µs. Measured (nlhf bench,
// OMP_NUM_THREADS 1 vs 2, µs per iteration): n = 1000 packed f64 (4 MB) 61 vs 110, packed f32 40 vs 77,
// dense f64 (8 MB) 100 vs 105; n = 1400 dense f64 (16 MB) 214 vs 227; n = 2048 packed f32 (8 MB) 172 vs
// 173, packed f64 (17 MB) 344 vs 220, dense f64 (34 MB) 1077 vs 743.
constexpr std::size_t kParallelFromBytes = std::size_t{12} << 20;

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
inline void PackedRows(const T* a, int n, int first, int last, const double* x, double* y, std::size_t offset) {
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

// Rows [first, last) of an n-row upper triangle split into at most `blocks` runs of rows holding about the
// same number of entries (row i holds n − 1 − i): the first row of each run, then `last`.
inline std::vector<int> SplitRowsByEntries(int n, int first, int last, int blocks) {
  std::size_t entries = 0;
  for (int i = first; i < last; ++i) entries += static_cast<std::size_t>(n - i - 1);
  std::vector<int> split{first};
  const double share = static_cast<double>(entries) / blocks;
  std::size_t done = 0;
  for (int i = first; i < last && static_cast<int>(split.size()) < blocks; ++i) {
    done += static_cast<std::size_t>(n - i - 1);
    if (static_cast<double>(done) >= share * static_cast<double>(split.size())) split.push_back(i + 1);
  }
  if (split.back() != last) split.push_back(last);
  return split;
}

}  // namespace nlhf::kernels

#endif  // NLHF_SRC_KERNELS_PACKED_ROWS_H_
