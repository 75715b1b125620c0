#include <cstring>

#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"
#include "testing.h"

namespace nlhf {
namespace {

// A .npy file written by hand, byte by byte, following numpy.lib.format (independent of the writer).
std::string Npy(const std::string& descr, bool fortran, const std::string& shape, const std::string& data,
                char major = 1) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
  const size_t prefix = major == 1 ? 10 : 12;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += major;
  out += '\0';
  const size_t length = header.size();
  out += static_cast<char>(length & 0xff);
  out += static_cast<char>((length >> 8) & 0xff);
  if (major != 1) out += std::string(2, '\0');
  return out + header + data;
}

template <typename T>
std::string Bytes(std::initializer_list<T> values, bool big_endian = false) {
  std::string out;
  for (T v : values) {
    char buffer[sizeof(T)];
    std::memcpy(buffer, &v, sizeof(T));
    if (big_endian) std::reverse(buffer, buffer + sizeof(T));
    out.append(buffer, sizeof(T));
  }
  return out;
}

TEST(NpyMatrix, ReadsFloat64COrder) {
  const MatrixFile m = ParseNpyMatrix(Npy("<f8", false, "(2, 3)", Bytes<double>({1, 2, 3, 4, 5, 6})), "a.npy");
  ASSERT_EQ(m.values.rows(), 2);
  ASSERT_EQ(m.values.cols(), 3);
  EXPECT_EQ(m.values(0, 2), 3);
  EXPECT_EQ(m.values(1, 0), 4);
}

TEST(NpyMatrix, ReadsFloat64FortranOrder) {
  const MatrixFile m = ParseNpyMatrix(Npy("<f8", true, "(2, 3)", Bytes<double>({1, 2, 3, 4, 5, 6})), "a.npy");
  EXPECT_EQ(m.values(0, 1), 3);  // column-major: (0,0)=1, (1,0)=2, (0,1)=3
  EXPECT_EQ(m.values(1, 2), 6);
}

TEST(NpyMatrix, ReadsFloat32AndBigEndianAndVersion2) {
  EXPECT_EQ(ParseNpyMatrix(Npy("<f4", false, "(1, 2)", Bytes<float>({0.25f, 0.75f})), "a.npy").values(0, 1), 0.75);
  EXPECT_EQ(ParseNpyMatrix(Npy(">f8", false, "(1, 2)", Bytes<double>({0.5, -2}, true)), "a.npy").values(0, 1), -2);
  EXPECT_EQ(ParseNpyMatrix(Npy("<f8", false, "(1, 1)", Bytes<double>({7}), 2), "a.npy").values(0, 0), 7);
}

TEST(NpyMatrix, RejectsBadMagicDtypeShapeAndTruncation) {
  EXPECT_THROW_WITH(ParseNpyMatrix("0.5 0.5\n0.5 0.5\n", "a.npy"), ParseError, "a.npy", "magic");
  EXPECT_THROW_WITH(ParseNpyMatrix(Npy("<i8", false, "(1, 1)", Bytes<long>({1})), "a.npy"), ParseError,
                    "dtype '<i8'");
  EXPECT_THROW_WITH(ParseNpyMatrix(Npy("<f8", false, "(3,)", Bytes<double>({1, 2, 3})), "a.npy"), ParseError,
                    "shape (3,)", "2-D");
  EXPECT_THROW_WITH(ParseNpyMatrix(Npy("<f8", false, "(2, 2)", Bytes<double>({1, 2, 3})), "a.npy"), ParseError,
                    "24 bytes", "needs 32");
}

TEST(NpyMatrix, WriterOutputReadsBack) {
  MatrixFile m;
  m.values = Eigen::MatrixXd::Random(5, 3);
  EXPECT_EQ(ParseNpyMatrix(FormatNpyMatrix(m), "m.npy").values, m.values);
  EXPECT_EQ(FormatNpyMatrix(m).find('\n') % 64, 63u) << "header padded to a multiple of 64 bytes";
}

}  // namespace
}  // namespace nlhf
