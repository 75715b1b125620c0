// NumPy .npy matrices (float64 or float32), as `nlhf solve` and `nlhf rank` read them.
#include "fuzz_target.h"
#include "matrix_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view bytes) {
    nlhf::fuzz::CheckMatrix(nlhf::ParseNpyMatrix(bytes, "fuzz.npy"));
  });
}
