// PrefLib ordinal files. The first byte picks the extension (.soc .soi .toc .toi), whose rules differ.
#include "comparison_checks.h"
#include "fuzz_target.h"
#include "nlhf/ranking/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kPaths[] = {"fuzz.soc", "fuzz.soi", "fuzz.toc", "fuzz.toi"};
  const char* path = kPaths[data[0] % 4];
  return nlhf::fuzz::Guard(data + 1, size - 1, [&](std::string_view text) {
    nlhf::fuzz::CheckComparisons(nlhf::ParsePreflib(text, path));
  });
}
