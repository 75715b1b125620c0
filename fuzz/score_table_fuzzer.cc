// Score tables (rows are tasks, columns candidates), as `nlhf rank --format score-table` reads them.
#include "comparison_checks.h"
#include "fuzz_target.h"
#include "nlhf/ranking/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    nlhf::fuzz::CheckComparisons(nlhf::ParseScoreTable(text, "fuzz.tsv"));
  });
}
