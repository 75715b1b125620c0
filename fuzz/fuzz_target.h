// What every libFuzzer harness shares: a reader may refuse its input only with an nlhf::Error (the
// command line turns it into exit 2 with the message); any other exception escaping it is a bug, and
// so is a crash, a sanitizer report or an allocation past the limit `make fuzz` sets. See
// docs/reliability.md.
#ifndef NLHF_FUZZ_FUZZ_TARGET_H_
#define NLHF_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "nlhf/error.h"

namespace nlhf::fuzz {

// Runs `read` on the input; returns 0 whether it was accepted or refused with an nlhf::Error, aborts on
// any other exception (libFuzzer then saves the input as a crash).
template <typename Read>
int Guard(const std::uint8_t* data, std::size_t size, const Read& read) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    read(text);
  } catch (const nlhf::Error&) {
    // A refusal with a message: what bad input must get.
  } catch (const std::exception& error) {
    std::fprintf(stderr, "a non-nlhf exception escaped the reader: %s\n", error.what());
    std::abort();
  }
  return 0;
}

}  // namespace nlhf::fuzz

#endif  // NLHF_FUZZ_FUZZ_TARGET_H_
