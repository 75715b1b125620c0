// The one random source of nlhf. Every random choice takes a seed and goes through this class, so the
// same command gives the same numbers. It maps std::mt19937_64's output (whose sequence the C++
// standard fixes) to doubles itself, because std::uniform_real_distribution and
// std::normal_distribution are implementation-defined and would differ between standard libraries.
#ifndef NLHF_RANDOM_H_
#define NLHF_RANDOM_H_

#include <cstdint>
#include <random>

namespace nlhf {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1) with 53 random bits.
  double Uniform();
  // Uniform on [low, high).
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }
  // Standard normal (Box–Muller).
  double Normal();

 private:
  std::mt19937_64 engine_;
};

}  // namespace nlhf

#endif  // NLHF_RANDOM_H_
