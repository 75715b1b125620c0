// EGPO batch text (`nlhf batch`): a 'runs n beta' header, then 'Run i' blocks of n rows.
#include "fuzz_target.h"
#include "nlhf/game.h"
#include "nlhf/io/batch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    for (const nlhf::BatchGame& game : nlhf::ParseEgpoText(text, "fuzz.txt")) {
      const nlhf::PreferenceGame preferences(game.preferences, game.responses);
      (void)preferences;
    }
  });
}
