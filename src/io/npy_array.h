// A 2-D (or, for a batch of games, 3-D) float32/float64 .npy array's header, parsed and checked against the
// bytes present, with its data left where it lies (a string or a memory map): ParseNpyMatrix copies it into
// a matrix, the operator reader (nlhf/io/npy_operator.h) straight into a SkewOperator, ParseNpyBatch
// (nlhf/io/batch_file.h) into one matrix per game.
#ifndef NLHF_SRC_IO_NPY_ARRAY_H_
#define NLHF_SRC_IO_NPY_ARRAY_H_

#include <Eigen/Dense>

#include <cstddef>
#include <string>
#include <string_view>

namespace nlhf {

struct NpyArray {
  std::size_t count = 1;              // matrices: the first size of a 3-D array, 1 for a 2-D one
  std::size_t rows = 0, columns = 0;  // all three in [1, INT_MAX]
  bool is_double = true;              // float64, else float32
  bool swap = false;                  // stored in the other byte order
  bool fortran_order = false;
  const char* data = nullptr;         // count·rows·columns entries, exactly the bytes after the header

  // Native byte order at an aligned address (numpy pads the header to 64 bytes): the data can be read as
  // an array of its dtype where it lies.
  bool readable_in_place() const;
  // Entry (i, j) of matrix `game`.
  double At(std::size_t game, std::size_t i, std::size_t j) const;
  double At(std::size_t i, std::size_t j) const { return At(0, i, j); }
  // Matrix `game` as doubles: copied in one pass where the data can be viewed in place (native byte order,
  // aligned), else entry by entry.
  Eigen::MatrixXd Matrix(std::size_t game) const;
  // PrefetchSmallArray (nlhf/huge_pages.h) of matrix `game` in C order: a batch takes game k + 1 this way
  // while it solves game k.
  void Prefetch(std::size_t game) const;
};

// A 2-D array. Throws ParseError naming `path` and the rule broken (magic string, version, dtype, order,
// shape, size).
NpyArray ParseNpyArray(std::string_view bytes, const std::string& path);
// A 3-D array (count, rows, columns), or a 2-D one as a single matrix, with the same checks.
NpyArray ParseNpyStack(std::string_view bytes, const std::string& path);

namespace internal {

// NumPy's format 1.0 header for a float64 C-order array of shape `shape` ("(3, 4)"), padded to 64 bytes.
std::string FormatNpyHeader(std::string_view shape);
// A matrix's entries as little-endian float64, row by row.
std::string FormatNpyEntries(const Eigen::MatrixXd& values);

}  // namespace internal

}  // namespace nlhf

#endif  // NLHF_SRC_IO_NPY_ARRAY_H_
