// NumPy .npy files (format versions 1.0, 2.0, 3.0), as documented in numpy.lib.format.
//
// Hand-written because no Debian-packaged C++ library reads .npy (cnpy is not packaged); the format is a
// fixed magic string, a header length, a Python dict literal and raw data, so a small reader suffices.
#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <regex>

#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"

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

}  // namespace

MatrixFile ParseNpyMatrix(std::string_view bytes, const std::string& path) {
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
  const std::string header(bytes.substr(8 + length_width, header_length));

  std::smatch match;
  if (!std::regex_search(header, match, std::regex(R"('descr'\s*:\s*'([^']*)')"))) {
    throw ParseError(fmt::format("{}: .npy header has no 'descr' (dtype): {}", path, header));
  }
  const std::string descr = match[1];
  const bool is_double = descr == "<f8" || descr == ">f8";
  const bool is_float = descr == "<f4" || descr == ">f4";
  if (!is_double && !is_float) {
    throw ParseError(fmt::format("{}: .npy dtype '{}' is not supported: expected float64 ('<f8') or float32 "
                                 "('<f4')", path, descr));
  }
  const bool swap = (descr[0] == '>') != (std::endian::native == std::endian::big);
  if (!std::regex_search(header, match, std::regex(R"('fortran_order'\s*:\s*(True|False))"))) {
    throw ParseError(fmt::format("{}: .npy header has no 'fortran_order': {}", path, header));
  }
  const bool fortran_order = match[1] == "True";
  if (!std::regex_search(header, match, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) {
    throw ParseError(fmt::format("{}: .npy header has no 'shape': {}", path, header));
  }
  const std::string shape_text = match[1];
  if (!std::regex_match(shape_text, match, std::regex(R"(\s*(\d+)\s*,\s*(\d+)\s*,?\s*)"))) {
    throw ParseError(fmt::format("{}: .npy array has shape ({}): a matrix must be 2-D", path, shape_text));
  }
  const size_t rows = std::stoull(match[1]);
  const size_t columns = std::stoull(match[2]);
  const size_t width = is_double ? 8 : 4;
  const size_t expected = rows * columns * width;
  if (bytes.size() - data_offset != expected) {
    throw ParseError(fmt::format("{}: .npy data holds {} bytes but shape ({}, {}) of {} needs {}", path,
                                 bytes.size() - data_offset, rows, columns, descr, expected));
  }

  MatrixFile result;
  result.source.path = path;
  result.values.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(columns));
  const char* data = bytes.data() + data_offset;
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < columns; ++j) {
      const size_t index = fortran_order ? j * rows + i : i * columns + j;
      result.values(i, j) = is_double ? ReadScalar<double>(data + index * 8, swap)
                                      : static_cast<double>(ReadScalar<float>(data + index * 4, swap));
    }
  }
  return result;
}

std::string FormatNpyMatrix(const MatrixFile& matrix) {
  std::string header = fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
                                   matrix.values.rows(), matrix.values.cols());
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kMagic);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  for (Eigen::Index i = 0; i < matrix.values.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.values.cols(); ++j) {
      std::uint64_t bits = std::bit_cast<std::uint64_t>(matrix.values(i, j));
      if constexpr (std::endian::native == std::endian::big) bits = SwapBytes(bits);
      char buffer[8];
      std::memcpy(buffer, &bits, 8);
      out.append(buffer, 8);
    }
  }
  return out;
}

}  // namespace nlhf
