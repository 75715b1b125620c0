// Seeded generators for the test instances (docs/algorithms.md, README).
#ifndef NLHF_GENERATORS_H_
#define NLHF_GENERATORS_H_

#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nlhf {

struct GeneratorOptions {
  std::string kind = "random";  // one of GeneratorKinds()
  int n = 10;                   // number of responses (ignored by rps, cyclic3, hard2x2)
  std::uint64_t seed = 0;
  double delta = 0.01;          // δ of hard2x2, in (0, 1/2)
};

struct GeneratedGame {
  Eigen::MatrixXd matrix;       // a preference matrix, or a payoff matrix when is_payoff
  bool is_payoff = false;
  std::vector<std::string> names;                 // response names where the kind has them
  std::optional<Eigen::VectorXd> nash_equilibrium;  // a known NE when the kind plants or fixes one
  std::string description;      // one line, e.g. "planted(n=10, seed=3)"
};

// "random", "planted", "rps", "cyclic3", "transitive", "hard2x2".
const std::vector<std::string>& GeneratorKinds();
// One line per kind, for --help.
std::string DescribeGeneratorKinds();

// Throws InvalidArgument for an unknown kind or an out-of-range n or δ.
GeneratedGame Generate(const GeneratorOptions& options);
// The description Generate would give, with the same checks, without building the matrix.
std::string GeneratorDescription(const GeneratorOptions& options);

// i.i.d. uniform upper triangle P[a][b] ~ U(0, 1) for a < b (the EGPO generator); unique NE with
// about n/2 actions in its support.
Eigen::MatrixXd RandomPreferences(int n, std::uint64_t seed);

// A game whose NE π* has full support (arXiv 2512.24818): π* ∝ 1 + U(0, 1) entries, a random skew A₀ with
// U(−1, 1) entries, u = A₀π*, A = A₀ − u1ᵀ + 1uᵀ (so Aπ* = 0), scaled to max |A| = 1/2; P = A + 1/2.
// For even n the NE set is a segment through π*.
Eigen::MatrixXd PlantedPreferences(int n, std::uint64_t seed, Eigen::VectorXd* equilibrium);

// Rock–paper–scissors as preferences (win = 1, loss = 0); unique NE (1/3, 1/3, 1/3).
Eigen::MatrixXd RockPaperScissors();

// P(b ≻ a) = 0.9, P(c ≻ b) = 0.9, P(a ≻ c) = 0.8: a cycle with a unique interior NE.
Eigen::MatrixXd Cyclic3();

// Bradley–Terry P[a][b] = σ(s_a − s_b) with scores s ~ N(0, 1); pure NE on the largest score.
Eigen::MatrixXd TransitivePreferences(int n, std::uint64_t seed, Eigen::VectorXd* scores);

// Payoff matrix (row player maximizes) of the 2×2 family of Cai et al. 2024, "Fast last-iterate
// convergence of learning in games requires forgetful algorithms": their loss matrix
// A_δ = [[1/2 + δ, 1/2], [0, 1]] (row player minimizes) negated to nlhf's convention. Unique interior
// NE x* = (1, δ)/(1 + δ), y* = (1, 1 + 2δ)/(2 + 2δ); OMWU keeps a near-constant gap for ~1/δ rounds.
Eigen::MatrixXd Hard2x2Payoff(double delta);

}  // namespace nlhf

#endif  // NLHF_GENERATORS_H_
