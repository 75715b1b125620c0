// JSON matrices ({"preferences": ...} or {"payoff": ...}), as `nlhf solve FILE.json` and `train --game` read them.
#include "fuzz_target.h"
#include "matrix_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    nlhf::fuzz::CheckMatrix(nlhf::ParseJsonMatrix(text, "fuzz.json"));
  });
}
