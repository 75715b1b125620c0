// Solves cyclic3 through the installed public API (nlhf.h) and checks the answer against its closed form
// (4, 3, 4)/11 and the certificate: exits 0 only when both hold.
#include <cstdio>

#include "nlhf/nlhf.h"

int main() {
  const nlhf::ZeroSumGame game = nlhf::ZeroSumGame::FromPreferences(nlhf::PreferenceGame(nlhf::Cyclic3()));
  nlhf::SolveOptions options;
  options.gap_tolerance = 1e-9;
  const nlhf::SolveResult result = nlhf::SolveWith("omwu", game, options);
  const Eigen::Vector3d expected = Eigen::Vector3d(4, 3, 4) / 11;
  const double error = (result.policy[0] - expected).lpNorm<1>();
  std::printf("%s gap %.3g, distance to (4,3,4)/11: %.3g\n", result.algorithm.c_str(), result.duality_gap, error);
  return result.converged() && result.duality_gap <= 1e-9 && error < 1e-6 ? 0 : 1;
}
