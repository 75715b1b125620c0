// Battle logs as JSON Lines or a JSON array of records (model_a, model_b, winner), as `nlhf rank` reads
// .jsonl and record-shaped .json files.
#include "comparison_checks.h"
#include "fuzz_target.h"
#include "nlhf/ranking/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    nlhf::fuzz::CheckComparisons(nlhf::ParseJsonBattles(text, "fuzz.jsonl", {}));
  });
}
