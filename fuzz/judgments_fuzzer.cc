// Judgment tables (model, item, score) as CSV, JSON Lines or a JSON array of records, as `nlhf rank
// --format judgments` reads them.
#include "comparison_checks.h"
#include "fuzz_target.h"
#include "nlhf/ranking/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    nlhf::fuzz::CheckComparisons(nlhf::ParseJudgments(text, "fuzz.jsonl", {}));
  });
}
