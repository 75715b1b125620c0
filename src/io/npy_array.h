// A 2-D float32/float64 .npy array's header, parsed and checked against the bytes present, with its data
// left where it lies (a string or a memory map): ParseNpyMatrix copies it into a matrix, the operator
// reader (nlhf/io/npy_operator.h) straight into a SkewOperator.
#ifndef NLHF_SRC_IO_NPY_ARRAY_H_
#define NLHF_SRC_IO_NPY_ARRAY_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace nlhf {

struct NpyArray {
  std::size_t rows = 0, columns = 0;  // both in [1, INT_MAX]
  bool is_double = true;              // float64, else float32
  bool swap = false;                  // stored in the other byte order
  bool fortran_order = false;
  const char* data = nullptr;         // rows·columns entries, exactly the bytes after the header

  double At(std::size_t i, std::size_t j) const;
};

// Throws ParseError naming `path` and the rule broken (magic string, version, dtype, order, shape, size).
NpyArray ParseNpyArray(std::string_view bytes, const std::string& path);

}  // namespace nlhf

#endif  // NLHF_SRC_IO_NPY_ARRAY_H_
