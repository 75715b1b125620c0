// NumPy .npy matrices (float64 or float32), as `nlhf solve` and `nlhf rank` read them, as
// `nlhf solve --matrix-free` reads them straight into a packed f32 operator, and as `nlhf batch` reads a
// (games, n, n) array.
#include "fuzz_target.h"
#include "matrix_checks.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/npy_operator.h"

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
  return nlhf::fuzz::Guard(data, size, [](std::string_view bytes) {
    const nlhf::OperatorGameFile file =
        nlhf::ParseNpyOperatorGame(bytes, "fuzz.npy", nlhf::Storage::kF32, nlhf::Layout::kPacked, {});
    if (!(file.game.num_actions(0) >= 1) || !(file.projection_change >= 0)) std::abort();
  });
}
