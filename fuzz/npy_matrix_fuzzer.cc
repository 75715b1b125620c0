// NumPy .npy matrices (float64 or float32), as `nlhf solve` and `nlhf rank` read them, as
// `nlhf solve --matrix-free` reads them straight into a packed f32 operator, and as `nlhf batch` reads a
// (games, n, n) array; and the one-pass preference reader (ZeroSumGame::FromPreferenceRows) must accept
// exactly what the general path accepts, with the same numbers.
#include "fuzz_target.h"
#include "matrix_checks.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/npy_operator.h"

#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlhf::fuzz::Guard(data, size, [](std::string_view bytes) {
    nlhf::fuzz::CheckMatrix(nlhf::ParseNpyMatrix(bytes, "fuzz.npy"));
  });
  nlhf::fuzz::Guard(data, size, [](std::string_view bytes) {
    for (const nlhf::BatchGame& game : nlhf::ParseNpyBatch(bytes, "fuzz.npy")) {
      const nlhf::PreferenceGame preferences(game.preferences, game.responses);
      (void)preferences;
    }
  });
  nlhf::fuzz::Guard(data, size, [](std::string_view bytes) {
    const nlhf::MatrixFile file = nlhf::ParseNpyMatrix(bytes, "fuzz.npy");
    if (file.values.rows() != file.values.cols()) return;
    const double tolerance = nlhf::DefaultSymmetryTolerance(file.single_precision);
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = file.values;
    double fast_change = -1, general_change = -1;
    const std::optional<nlhf::ZeroSumGame> fast = nlhf::ZeroSumGame::FromPreferenceRows(
        rows.data(), static_cast<int>(rows.rows()), tolerance, {}, file.source, &fast_change);
    std::optional<nlhf::ZeroSumGame> general;
    try {
      general = nlhf::GameFromMatrix(file.values, {}, file.single_precision, {}, {}, file.source, &general_change);
    } catch (const nlhf::Error&) {
    }
    if (fast.has_value() != general.has_value()) __builtin_trap();
    if (fast && (!(fast->payoff() == general->payoff()) || fast_change != general_change)) __builtin_trap();
  });
  return nlhf::fuzz::Guard(data, size, [](std::string_view bytes) {
    const nlhf::OperatorGameFile file =
        nlhf::ParseNpyOperatorGame(bytes, "fuzz.npy", nlhf::Storage::kF32, nlhf::Layout::kPacked, {});
    if (!(file.game.num_actions(0) >= 1) || !(file.projection_change >= 0)) std::abort();
  });
}
