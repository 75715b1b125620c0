// Log-policy files (`--init`, `--reference`): a JSON array, two arrays, or {"log_policy": ...}.
#include "fuzz_target.h"
#include "nlhf/io/policy_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) { (void)nlhf::ParseLogPolicyJson(text, "fuzz.json"); });
}
