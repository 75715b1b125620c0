// Matrix text (whitespace- or comma-separated, optional header of names), as `nlhf solve FILE.txt` reads it.
#include "fuzz_target.h"
#include "matrix_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    nlhf::fuzz::CheckMatrix(nlhf::ParseTextMatrix(text, "fuzz.txt"));
  });
}
