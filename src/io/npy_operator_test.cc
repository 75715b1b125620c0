// A .npy preference matrix read straight into a skew operator states the same game as the dense reader
// (PreferenceGame's projection), and refuses what it refuses, naming the entry.
#include "nlhf/io/npy_operator.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/metrics.h"
#include "testing.h"

namespace nlhf {
namespace {

namespace fs = std::filesystem;

std::string TempPath(const std::string& name) {
  static const fs::path dir = nlhf::testing::ScratchDir("nlhf_npy_operator");
  return (dir / name).string();
}

std::string WriteNpy(const std::string& name, const Eigen::MatrixXd& values) {
  const std::string path = TempPath(name);
  WriteMatrixFile(path, MatrixFile{.values = values});
  return path;
}

// float32, Fortran order, written byte by byte (numpy.lib.format) so the reader's other paths are read.
std::string WriteFloat32FortranNpy(const std::string& name, const Eigen::MatrixXf& values) {
  std::string header = "{'descr': '<f4', 'fortran_order': True, 'shape': (" + std::to_string(values.rows()) + ", " +
                       std::to_string(values.cols()) + "), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY\x01";
  bytes += '\0';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));  // column-major
  const std::string path = TempPath(name);
  WriteFileAtomically(path, bytes);
  return path;
}

// Products of both games at a fixed policy: the operator holds A of the projected game.
double ProductDifference(const ZeroSumGame& held, const ZeroSumGame& dense) {
  const int n = dense.num_actions(0);
  const Eigen::VectorXd weights = Eigen::VectorXd::LinSpaced(n, 1.0, 2.0);
  const Eigen::VectorXd pi = weights / weights.sum();
  return (held.Payoffs({pi})[0] - dense.Payoffs({pi})[0]).cwiseAbs().maxCoeff();
}

TEST(NpyOperator, StatesTheDenseReadersGameInEveryLayout) {
  // n = 150 crosses the reader's 64-row blocks; nudged entries make the projection move.
  Eigen::MatrixXd p = RandomPreferences(150, 4);
  p(3, 140) += 4e-10;
  p(130, 7) -= 3e-10;
  const std::string path = WriteNpy("random150.npy", p);
  const MatrixFile file = ReadMatrixFile(path);
  double dense_change = 0;
  const ZeroSumGame dense = GameFromMatrix(file.values, {}, false, {}, {}, file.source, &dense_change);
  for (Layout layout : {Layout::kDense, Layout::kPacked}) {
    const OperatorGameFile held = ReadNpyOperatorGame(path, Storage::kF64, layout, {});
    EXPECT_FALSE(held.game.has_dense_payoff());
    EXPECT_EQ(held.game.num_actions(0), 150);
    EXPECT_FALSE(held.single_precision);
    EXPECT_NEAR(held.projection_change, dense_change, 1e-16);
    EXPECT_GT(held.projection_change, 1e-10);
    EXPECT_LT(ProductDifference(held.game, dense), 1e-15);
  }
}

TEST(NpyOperator, ReadsFloat32FortranOrder) {
  const Eigen::MatrixXf p = RandomPreferences(70, 2).cast<float>();
  const std::string path = WriteFloat32FortranNpy("f32.npy", p);
  const MatrixFile file = ReadMatrixFile(path);
  ASSERT_TRUE(file.single_precision);
  const ZeroSumGame dense = GameFromMatrix(file.values, {}, true, {}, {}, file.source);
  const OperatorGameFile held = ReadNpyOperatorGame(path, Storage::kF32, Layout::kPacked, {});
  EXPECT_TRUE(held.single_precision);
  // f32 storage of A = (P − Pᵀ)/2 rounds each entry (|A_ij| <= 1/2) by at most 2^-25.
  EXPECT_LT(ProductDifference(held.game, dense), 0x1p-25);
}

TEST(NpyOperator, RefusesWhatPreferenceGameRefusesNamingTheEntry) {
  Eigen::MatrixXd p = RandomPreferences(100, 1);
  p(80, 5) += 0.01;  // below the diagonal, in a later block than its partner
  EXPECT_THROW_WITH(ReadNpyOperatorGame(WriteNpy("pair.npy", p), Storage::kF64, Layout::kPacked, {}),
                    InvalidArgument, "pair.npy: row 6, column 81", "P + Pᵀ must equal 1");
  // --symmetrize accepts it and says how far the projection moved.
  const OperatorGameFile symmetrized =
      ReadNpyOperatorGame(TempPath("pair.npy"), Storage::kF64, Layout::kPacked, {.symmetrize = true});
  EXPECT_NEAR(symmetrized.projection_change, 0.005, 1e-12);

  p = RandomPreferences(100, 1);
  p(2, 90) = std::nan("");
  EXPECT_THROW_WITH(ReadNpyOperatorGame(WriteNpy("nan.npy", p), Storage::kF64, Layout::kPacked, {}),
                    InvalidArgument, "nan.npy: row 3, column 91", "not finite");
  p = RandomPreferences(100, 1);
  p(99, 99) = 1.5;
  EXPECT_THROW_WITH(ReadNpyOperatorGame(WriteNpy("diag.npy", p), Storage::kF64, Layout::kPacked, {}),
                    InvalidArgument, "diag.npy: row 100, column 100", "not a probability");
  EXPECT_THROW_WITH(ReadNpyOperatorGame(WriteNpy("wide.npy", Eigen::MatrixXd::Constant(2, 3, 0.5)), Storage::kF64,
                                        Layout::kPacked, {}),
                    InvalidArgument, "wide.npy", "must be square", "2×3");
  EXPECT_THROW_WITH(ReadNpyOperatorGame(TempPath("wide.npy"), Storage::kF64, Layout::kPacked, {.payoff = true}),
                    InvalidArgument, "general payoff matrix cannot be held as a skew operator");
  EXPECT_THROW_WITH(ReadNpyOperatorGame(TempPath("absent.npy"), Storage::kF64, Layout::kPacked, {}),
                    InvalidArgument, "cannot open", "absent.npy");
  WriteFileAtomically(TempPath("short.npy"), "\x93NUMPY");
  EXPECT_THROW_WITH(ReadNpyOperatorGame(TempPath("short.npy"), Storage::kF64, Layout::kPacked, {}), ParseError,
                    "short.npy", "not a NumPy .npy file");
}

}  // namespace
}  // namespace nlhf
