#include <gmock/gmock.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

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

// A preference matrix over n responses with pairs that sum to 1 exactly, pairs off by up to `noise`, and
// (noise > 0) a diagonal off 1/2 by as much: every branch of the projection, on tiles of every shape.
Eigen::MatrixXd NoisyPreferences(int n, double noise, unsigned seed) {
  std::srand(seed);
  Eigen::MatrixXd p = 0.5 * (Eigen::MatrixXd::Random(n, n).array() + 1.0);
  for (int i = 0; i < n; ++i) {
    p(i, i) = 0.5 + 0.5 * noise * Eigen::MatrixXd::Random(1, 1)(0, 0);
    for (int j = i + 1; j < n; ++j) {
      const double off = (i + j) % 3 == 0 ? 0.0 : noise * (p(j, i) - 0.5);
      p(j, i) = std::clamp(1.0 - p(i, j) + off, 0.0, 1.0);
    }
  }
  return p;
}

GameFile GameThroughTheGeneralReader(const std::string& path, const MatrixGameOptions& options) {
  MatrixFile file = ReadMatrixFile(path);
  double change = 0;
  ZeroSumGame game = GameFromMatrix(std::move(file.values), options, file.single_precision, {}, {}, file.source,
                                    &change);
  return {std::move(game), change};
}

TEST(ReadGameFile, ReadsAFloat64NpyInOnePassToTheNumbersOfTheGeneralReader) {
  const std::filesystem::path dir = nlhf::testing::ScratchDir("nlhf_read_game_file");
  struct Case {
    int n;
    double noise;
    MatrixGameOptions options;
  };
  // 150 = two full 64-wide tiles and a ragged one; the noise within, at, and (symmetrized) beyond tolerance.
  for (const Case& c : {Case{150, 0.0, {}}, Case{150, 3e-10, {}}, Case{150, 0.2, {.symmetrize = true}},
                        Case{1, 0.0, {}}, Case{65, 1e-12, {.symmetry_tolerance = 1e-12}}}) {
    MatrixFile file;
    file.values = NoisyPreferences(c.n, c.noise, static_cast<unsigned>(c.n));
    const std::string path = (dir / "p.npy").string();
    WriteMatrixFile(path, file);
    const GameFile fast = ReadGameFile(path, c.options);
    const GameFile general = GameThroughTheGeneralReader(path, c.options);
    SCOPED_TRACE(::testing::Message() << "n = " << c.n << ", noise " << c.noise);
    EXPECT_TRUE(fast.game.payoff() == general.game.payoff()) << "bit for bit";
    EXPECT_EQ(fast.projection_change, general.projection_change);
    if (c.noise > 0) EXPECT_GT(fast.projection_change, 0);
    EXPECT_EQ(fast.game.payoff_scale(), general.game.payoff_scale());
    EXPECT_EQ(fast.game.action_names(0), general.game.action_names(0));
    EXPECT_EQ(fast.game.action_names(1), general.game.action_names(0));
  }
}

TEST(ReadGameFile, AMatrixThatBreaksARuleGetsTheGeneralReadersMessage) {
  const std::filesystem::path dir = nlhf::testing::ScratchDir("nlhf_read_game_file_bad");
  const std::string path = (dir / "bad.npy").string();
  const auto refused = [&](int i, int j, double value, const std::vector<std::string>& expected) {
    MatrixFile file;
    file.values = NoisyPreferences(150, 0.0, 7);
    file.values(i, j) = value;
    WriteMatrixFile(path, file);
    try {
      ReadGameFile(path, {});
      ADD_FAILURE() << "P(" << i << ", " << j << ") = " << value << " accepted";
    } catch (const InvalidArgument& error) {
      for (const std::string& part : expected) EXPECT_THAT(error.what(), ::testing::HasSubstr(part));
    }
  };
  // In the last, ragged tile; on the diagonal; in the first tile; below the diagonal.
  refused(149, 3, std::nan(""), {"bad.npy: row 150, column 4", "not finite"});
  refused(140, 140, 0.75, {"P[141][141] + P[141][141]", "must equal 1"});
  refused(0, 1, 1.5, {"row 1, column 2", "not a probability"});
  refused(100, 20, -0.25, {"row 101, column 21", "not a probability"});
  refused(2, 120, 0.0, {"P[3][121] + P[121][3]", "must equal 1"});
  // A payoff file is read as a matrix, whatever its entries.
  MatrixFile file;
  file.values = Eigen::MatrixXd::Constant(3, 3, 7.0);
  WriteMatrixFile(path, file);
  EXPECT_EQ(ReadGameFile(path, {.payoff = true}).game.payoff(), file.values);
}

}  // namespace
}  // namespace nlhf
