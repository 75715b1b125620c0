// Seeded random skew payoffs for the CUDA batch's test and benchmark: A = σ(X) − ½ with X skew and N(0, 1)
// entries above the diagonal (so P = σ(X) is a preference matrix), `games` of them row-major one after the
// other.
#ifndef NLHF_SRC_CUDA_RANDOM_SKEW_GAMES_H_
#define NLHF_SRC_CUDA_RANDOM_SKEW_GAMES_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace nlhf::cuda {

inline std::vector<double> RandomSkewGames(int games, int n, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> normal;
  std::vector<double> a(static_cast<std::size_t>(games) * n * n, 0.0);
  for (int g = 0; g < games; ++g) {
    double* game = a.data() + static_cast<std::size_t>(g) * n * n;
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        game[i * n + j] = 1 / (1 + std::exp(-normal(generator))) - 0.5;
        game[j * n + i] = -game[i * n + j];
      }
    }
  }
  return a;
}

}  // namespace nlhf::cuda

#endif  // NLHF_SRC_CUDA_RANDOM_SKEW_GAMES_H_
