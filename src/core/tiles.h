// Cache-sized tiles for the passes over a matrix that read an entry together with its transposed partner
// (checking P + Pᵀ = 1, symmetrizing, packing the skew part) or copy between row and column order.
//
// Why: a plain double loop over an n × n column-major matrix reads one of the two with a stride of a whole
// column. At n = 1,000 every such read is a new cache line and, on 4 KiB pages, a new TLB entry: packing the
// skew part of a 1,000² payoff took 25 ms that way, about as long as reading the .npy file. A 64 × 64 tile of
// doubles is 32 KiB, so a tile and its transposed partner stay in the L2 cache while they are used.
#ifndef NLHF_SRC_CORE_TILES_H_
#define NLHF_SRC_CORE_TILES_H_

#include <algorithm>
#include <cstddef>

namespace nlhf::tiles {

inline constexpr std::ptrdiff_t kTile = 64;

// f(i, j) for every pair i < j < n, tile by tile, and row by row within a tile.
template <typename Index, typename F>
void ForEachUpperPair(Index n, F&& f) {
  for (Index row_block = 0; row_block < n; row_block += kTile) {
    const Index row_end = std::min<Index>(row_block + kTile, n);
    for (Index column_block = row_block; column_block < n; column_block += kTile) {
      const Index column_end = std::min<Index>(column_block + kTile, n);
      for (Index i = row_block; i < row_end; ++i) {
        for (Index j = std::max<Index>(column_block, i + 1); j < column_end; ++j) f(i, j);
      }
    }
  }
}

// f(i, j) for every entry of a rows × columns matrix, tile by tile, and column by column within a tile (the
// order in which Eigen's default column-major storage is written).
template <typename Index, typename F>
void ForEachEntryByColumns(Index rows, Index columns, F&& f) {
  for (Index column_block = 0; column_block < columns; column_block += kTile) {
    const Index column_end = std::min<Index>(column_block + kTile, columns);
    for (Index row_block = 0; row_block < rows; row_block += kTile) {
      const Index row_end = std::min<Index>(row_block + kTile, rows);
      for (Index j = column_block; j < column_end; ++j) {
        for (Index i = row_block; i < row_end; ++i) f(i, j);
      }
    }
  }
}

}  // namespace nlhf::tiles

#endif  // NLHF_SRC_CORE_TILES_H_
