// Battle logs (CSV: model_a, model_b, winner, optional context and weight columns), as `nlhf rank` reads them.
#include "comparison_checks.h"
#include "fuzz_target.h"
#include "nlhf/ranking/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    nlhf::fuzz::CheckComparisons(nlhf::ParseBattles(text, "fuzz.csv", {}));
  });
}
