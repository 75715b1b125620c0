// JSON Lines batches (`nlhf batch FILE.jsonl`): one game per line, parsed in parallel.
#include "fuzz_target.h"
#include "matrix_checks.h"
#include "nlhf/io/batch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    for (const nlhf::BatchGame& game : nlhf::ParseJsonLines(text, "fuzz.jsonl")) {
      const nlhf::PreferenceGame preferences(game.preferences, game.responses);
      (void)preferences;
    }
  });
}
