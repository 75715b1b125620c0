// NumPy .npy files (format versions 1.0, 2.0, 3.0), as documented in numpy.lib.format.
//
// Hand-written because no Debian-packaged C++ library reads .npy (cnpy is not packaged); the format is a
// fixed magic string, a header length, a Python dict literal and raw data, so a small reader suffices.
#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/tiles.h"
#include "io/npy_array.h"
#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/huge_pages.h"

namespace nlhf {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

std::uint64_t ReadLittleEndian(std::string_view bytes, size_t offset, size_t width) {
  std::uint64_t value = 0;
  for (size_t k = 0; k < width; ++k) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[offset + k])) << (8 * k);
  }
  return value;
}

// std::byteswap is C++23; this project is C++20.
template <typename Bits>
Bits SwapBytes(Bits bits) {
  Bits swapped = 0;
  for (size_t k = 0; k < sizeof(Bits); ++k) {
    swapped = static_cast<Bits>((swapped << 8) | ((bits >> (8 * k)) & 0xff));
  }
  return swapped;
}

template <typename T>
T ReadScalar(const char* data, bool swap) {
  using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  Bits bits;
  std::memcpy(&bits, data, sizeof bits);
  if (swap) bits = SwapBytes(bits);
  return std::bit_cast<T>(bits);
}

// A header fragment for an error message: at most 40 characters.
std::string Shown(std::string_view text) {
  return text.size() <= 40 ? std::string(text) : std::string(text.substr(0, 37)) + "...";
}

// The header is a Python dict literal such as {'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }.
// Its three keys are found by name and their values cut at the next ',' (or ')' for the shape tuple):
// nothing else appears in headers numpy writes. (A regex did this before and overflowed the stack on
// long headers.)
std::string_view HeaderValue(std::string_view header, std::string_view key, const std::string& path) {
  const std::string quoted = fmt::format("'{}'", key);
  size_t at = header.find(quoted);
  if (at == std::string_view::npos) {
    throw ParseError(fmt::format("{}: .npy header has no '{}': {}", path, key, Shown(header)));
  }
  at += quoted.size();
  while (at < header.size() && (header[at] == ' ' || header[at] == ':')) ++at;
  size_t end = at;
  if (at < header.size() && header[at] == '(') {
    end = header.find(')', at);
    if (end == std::string_view::npos) {
      throw ParseError(fmt::format("{}: .npy header's '{}' has '(' without ')'", path, key));
    }
    ++end;
  } else {
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  }
  std::string_view value = header.substr(at, end - at);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

// "(3, 4)" or "(3, 4,)" → {3, 4}; an empty vector where the tuple is malformed; a size beyond 64 bits is
// an error.
std::vector<size_t> ParseShape(std::string_view shape, const std::string& path) {
  std::vector<size_t> sizes;
  std::string_view rest = shape;
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return sizes;
  rest = rest.substr(1, rest.size() - 2);
  while (true) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    std::uint64_t size = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), size);
    if (error == std::errc::result_out_of_range) {
      throw ParseError(fmt::format("{}: .npy shape {} has a size beyond 2^64", path, Shown(shape)));
    }
    if (error != std::errc() || end == rest.data()) return {};
    sizes.push_back(size);
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    if (rest.front() != ',') return {};
    rest.remove_prefix(1);
  }
  return sizes;
}

// The header of an array of any shape: dtype, order and shape checked, the data located (not yet checked
// against the shape).
struct NpyHeader {
  std::string dtype;
  bool is_double = true, swap = false, fortran_order = false;
  std::string shape_text;
  std::vector<size_t> shape;
  std::string_view data;
};

NpyHeader ReadNpyHeader(std::string_view bytes, const std::string& path) {
  if (bytes.size() < 10 || bytes.substr(0, kMagic.size()) != kMagic) {
    throw ParseError(fmt::format("{}: not a NumPy .npy file: it does not start with the magic string "
                                 "\\x93NUMPY", path));
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) {
    throw ParseError(fmt::format("{}: .npy format version {}.{} is not supported (1.0 to 3.0 are)", path,
                                 major, static_cast<unsigned char>(bytes[7])));
  }
  const size_t length_width = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + length_width) throw ParseError(fmt::format("{}: .npy header is truncated", path));
  const size_t header_length = ReadLittleEndian(bytes, 8, length_width);
  const size_t data_offset = 8 + length_width + header_length;
  if (bytes.size() < data_offset) {
    throw ParseError(fmt::format("{}: .npy header claims {} bytes but the file ends first", path, header_length));
  }
  const std::string_view header = bytes.substr(8 + length_width, header_length);

  NpyHeader result;
  const std::string descr = std::string(HeaderValue(header, "descr", path));
  if (descr.size() < 2 || descr.front() != '\'' || descr.back() != '\'') {
    throw ParseError(fmt::format("{}: .npy header's 'descr' must be a quoted dtype such as '<f8', got {}", path,
                                 Shown(descr)));
  }
  result.dtype = descr.substr(1, descr.size() - 2);
  const std::string& dtype = result.dtype;
  result.is_double = dtype == "<f8" || dtype == ">f8";
  const bool is_float = dtype == "<f4" || dtype == ">f4";
  if (!result.is_double && !is_float) {
    throw ParseError(fmt::format("{}: .npy dtype '{}' is not supported: expected float64 ('<f8') or float32 "
                                 "('<f4')", path, Shown(dtype)));
  }
  result.swap = (dtype[0] == '>') != (std::endian::native == std::endian::big);
  const std::string_view order = HeaderValue(header, "fortran_order", path);
  if (order != "True" && order != "False") {
    throw ParseError(fmt::format("{}: .npy header's 'fortran_order' must be True or False, got {}", path,
                                 Shown(order)));
  }
  result.fortran_order = order == "True";
  const std::string_view shape = HeaderValue(header, "shape", path);
  result.shape_text = Shown(shape);
  result.shape = ParseShape(shape, path);
  result.data = bytes.substr(data_offset);
  return result;
}

// An array of `count` matrices of rows × columns from its header, the sizes and the byte count checked.
NpyArray CheckedArray(const NpyHeader& header, size_t count, size_t rows, size_t columns, const std::string& path) {
  // An empty shape with a huge other side holds no bytes yet would be looped over row by row (found by
  // fuzzing: shape (8229354883489583612, 0)); games and their actions are indexed by int.
  constexpr size_t kMaxSide = std::numeric_limits<int>::max();
  if (count == 0 || rows == 0 || columns == 0 || count > kMaxSide || rows > kMaxSide || columns > kMaxSide) {
    const std::string needs = header.shape.size() == 2 ? "a matrix needs" : fmt::format("a batch needs 1 to {} games and",
                                                                                      kMaxSide);
    throw ParseError(fmt::format("{}: .npy array has shape {}: {} 1 to {} rows and columns", path, header.shape_text,
                                 needs, kMaxSide));
  }
  const size_t width = header.is_double ? 8 : 4;
  // Checked against the bytes present before anything is allocated, without overflow: a header may
  // claim any shape.
  size_t expected = 0;
  const bool overflows = __builtin_mul_overflow(rows, columns, &expected) ||
                         __builtin_mul_overflow(expected, count, &expected) ||
                         __builtin_mul_overflow(expected, width, &expected);
  if (overflows || header.data.size() != expected) {
    throw ParseError(fmt::format("{}: .npy data holds {} bytes but shape {} of {} needs {}", path,
                                 header.data.size(), header.shape_text, header.dtype,
                                 overflows ? std::string("more than 2^64") : std::to_string(expected)));
  }
  return {.count = count, .rows = rows, .columns = columns, .is_double = header.is_double, .swap = header.swap,
          .fortran_order = header.fortran_order, .data = header.data.data()};
}

}  // namespace

double NpyArray::At(std::size_t game, std::size_t i, std::size_t j) const {
  const std::size_t index = fortran_order ? game + count * (i + rows * j) : (game * rows + i) * columns + j;
  return is_double ? ReadScalar<double>(data + index * 8, swap)
                   : static_cast<double>(ReadScalar<float>(data + index * 4, swap));
}

NpyArray ParseNpyArray(std::string_view bytes, const std::string& path) {
  const NpyHeader header = ReadNpyHeader(bytes, path);
  if (header.shape.size() != 2) {
    throw ParseError(fmt::format("{}: .npy array has shape {}: a matrix must be 2-D", path, header.shape_text));
  }
  return CheckedArray(header, 1, header.shape[0], header.shape[1], path);
}

NpyArray ParseNpyStack(std::string_view bytes, const std::string& path) {
  const NpyHeader header = ReadNpyHeader(bytes, path);
  if (header.shape.size() == 2) return CheckedArray(header, 1, header.shape[0], header.shape[1], path);
  if (header.shape.size() != 3) {
    throw ParseError(fmt::format("{}: .npy array has shape {}: a batch of games must be 3-D (games, n, n), or 2-D "
                                 "for one game", path, header.shape_text));
  }
  return CheckedArray(header, header.shape[0], header.shape[1], header.shape[2], path);
}

bool NpyArray::readable_in_place() const {
  const std::size_t alignment = is_double ? alignof(double) : alignof(float);
  return !swap && reinterpret_cast<std::uintptr_t>(data) % alignment == 0;
}

Eigen::MatrixXd NpyArray::Matrix(std::size_t game) const {
  const auto n_rows = static_cast<Eigen::Index>(rows), n_columns = static_cast<Eigen::Index>(columns);
  Eigen::MatrixXd values(n_rows, n_columns);
  PrepareLargeArray(values.data(), static_cast<std::size_t>(values.size()) * sizeof(double));
  // Readable in place: the data is copied (and widened) in one pass — from C order tile by tile into Eigen's column order, from Fortran
  // order as a strided view (game k's (i, j) at k + count·(i + rows·j)); otherwise entry by entry.
  const auto copy = [&]<typename T>(T) {
    const T* first = reinterpret_cast<const T*>(data);
    if (fortran_order) {
      using ColumnMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
      using Strides = Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>;
      const auto stride = static_cast<Eigen::Index>(count);
      values = Eigen::Map<const ColumnMajor, 0, Strides>(first + game, n_rows, n_columns,
                                                         Strides(stride * n_rows, stride))
                   .template cast<double>();
      return;
    }
    const T* matrix = first + game * rows * columns;
    tiles::ForEachEntryByColumns(n_rows, n_columns, [&](Eigen::Index i, Eigen::Index j) {
      values(i, j) = static_cast<double>(matrix[i * n_columns + j]);
    });
  };
  if (readable_in_place()) {
    if (is_double) {
      copy(double{});
    } else {
      copy(float{});
    }
    return values;
  }
  tiles::ForEachEntryByColumns(n_rows, n_columns,
                               [&](Eigen::Index i, Eigen::Index j) { values(i, j) = At(game, i, j); });
  return values;
}

void NpyArray::Prefetch(std::size_t game) const {
  const std::size_t bytes = rows * columns * (is_double ? sizeof(double) : sizeof(float));
  if (!fortran_order && game < count) PrefetchSmallArray(data + game * bytes, bytes);
}

MatrixFile ParseNpyMatrix(std::string_view bytes, const std::string& path) {
  const NpyArray array = ParseNpyArray(bytes, path);
  MatrixFile result;
  result.source.path = path;
  result.single_precision = !array.is_double;
  result.values = array.Matrix(0);
  return result;
}

std::string internal::FormatNpyHeader(std::string_view shape) {
  std::string header = fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': {}, }}", shape);
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kMagic);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  return out + header;
}

std::string internal::FormatNpyEntries(const Eigen::MatrixXd& values) {
  std::string out;
  out.reserve(static_cast<size_t>(values.size()) * 8);
  for (Eigen::Index i = 0; i < values.rows(); ++i) {
    for (Eigen::Index j = 0; j < values.cols(); ++j) {
      std::uint64_t bits = std::bit_cast<std::uint64_t>(values(i, j));
      if constexpr (std::endian::native == std::endian::big) bits = SwapBytes(bits);
      char buffer[8];
      std::memcpy(buffer, &bits, 8);
      out.append(buffer, 8);
    }
  }
  return out;
}

std::string FormatNpyMatrix(const MatrixFile& matrix) {
  return internal::FormatNpyHeader(fmt::format("({}, {})", matrix.values.rows(), matrix.values.cols())) +
         internal::FormatNpyEntries(matrix.values);
}

}  // namespace nlhf
