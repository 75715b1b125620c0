// Score tables (rows are tasks, columns candidates; or transposed), as `nlhf rank --format score-table
// [--transpose]` reads them. The first byte's low bit picks the orientation.
#include "comparison_checks.h"
#include "fuzz_target.h"
#include "nlhf/ranking/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool transpose = (data[0] & 1) != 0;
  return nlhf::fuzz::Guard(data + 1, size - 1, [transpose](std::string_view text) {
    nlhf::fuzz::CheckComparisons(nlhf::ParseScoreTable(text, "fuzz.tsv", {.transpose = transpose}));
  });
}
