#include "nlhf/random.h"

#include <cmath>
#include <numbers>

namespace nlhf {

double Rng::Uniform() {
  // The top 53 bits of one 64-bit draw, scaled to [0, 1): every double there is equally likely.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Rng::Normal() {
  // Box–Muller; 1 − U lies in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - Uniform()));
  return radius * std::cos(2.0 * std::numbers::pi * Uniform());
}

}  // namespace nlhf
