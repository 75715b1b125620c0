#include "nlhf/generators.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/random.h"

namespace nlhf {
namespace {

// Generators build dense n×n matrices; beyond this they would need more memory than the machines
// this project runs on have (20000² doubles is 3.2 GB). Larger games: nlhf bench builds packed ones.
constexpr int kLargestDense = 20000;

void CheckSize(const GeneratorOptions& options, int minimum) {
  if (options.n < minimum || options.n > kLargestDense) {
    throw InvalidArgument(fmt::format("generate {}: n = {}. Violated constraint: {} <= n <= {} (a dense matrix of "
                                      "n = {} needs {:.3g} GB; 'nlhf bench' builds larger games packed)",
                                      options.kind, options.n, minimum, kLargestDense, options.n,
                                      8.0 * options.n * options.n / 1e9));
  }
}

}  // namespace

const std::vector<std::string>& GeneratorKinds() {
  static const std::vector<std::string> kinds = {"random", "planted", "rps", "cyclic3", "transitive",
                                                 "hard2x2"};
  return kinds;
}

std::string DescribeGeneratorKinds() {
  return "random: i.i.d. uniform upper triangle (EGPO), n responses\n"
         "planted: full-support NE pi* planted (written with the game), n responses\n"
         "rps: rock-paper-scissors, NE (1/3, 1/3, 1/3)\n"
         "cyclic3: P(b>a)=0.9, P(c>b)=0.9, P(a>c)=0.8, unique interior NE\n"
         "transitive: Bradley-Terry from N(0,1) scores, pure NE on the strongest\n"
         "hard2x2: payoff matrix of Cai et al. 2024 with parameter delta (solve with --payoff)";
}

Eigen::MatrixXd RandomPreferences(int n, std::uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd p = Eigen::MatrixXd::Constant(n, n, 0.5);
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      p(a, b) = rng.Uniform();
      p(b, a) = 1.0 - p(a, b);
    }
  }
  return p;
}

Eigen::MatrixXd PlantedPreferences(int n, std::uint64_t seed, Eigen::VectorXd* equilibrium) {
  Rng rng(seed);
  // Entries of π* within a factor 2 of each other: interior, and not so skewed that OMWU's linear
  // phase starts late.
  Eigen::VectorXd nash(n);
  for (int a = 0; a < n; ++a) nash[a] = 1.0 + rng.Uniform();
  nash /= nash.sum();
  Eigen::MatrixXd skew = Eigen::MatrixXd::Zero(n, n);
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      skew(a, b) = rng.Uniform(-1.0, 1.0);
      skew(b, a) = -skew(a, b);
    }
  }
  // A = A₀ − u1ᵀ + 1uᵀ stays skew and has Aπ* = A₀π* − u + 1(uᵀπ*) = 0, because uᵀπ* = π*ᵀA₀ᵀπ* = 0.
  const Eigen::VectorXd u = skew * nash;
  const Eigen::VectorXd ones = Eigen::VectorXd::Ones(n);
  Eigen::MatrixXd payoff = skew - u * ones.transpose() + ones * u.transpose();
  const double largest = payoff.cwiseAbs().maxCoeff();
  if (largest > 0) payoff *= 0.5 / largest;
  // Exact skew-symmetry (and so P + Pᵀ = 1) despite round-off in the products above.
  payoff = 0.5 * (payoff - payoff.transpose()).eval();
  if (equilibrium != nullptr) *equilibrium = nash;
  return (payoff.array() + 0.5).matrix();
}

Eigen::MatrixXd RockPaperScissors() {
  Eigen::MatrixXd p(3, 3);
  // rock, paper, scissors: paper beats rock, scissors beat paper, rock beats scissors.
  p << 0.5, 0.0, 1.0,
       1.0, 0.5, 0.0,
       0.0, 1.0, 0.5;
  return p;
}

Eigen::MatrixXd Cyclic3() {
  Eigen::MatrixXd p(3, 3);
  // P[b][a] = 0.9, P[c][b] = 0.9, P[a][c] = 0.8.
  p << 0.5, 0.1, 0.8,
       0.9, 0.5, 0.1,
       0.2, 0.9, 0.5;
  return p;
}

Eigen::MatrixXd TransitivePreferences(int n, std::uint64_t seed, Eigen::VectorXd* scores) {
  Rng rng(seed);
  Eigen::VectorXd s(n);
  for (int a = 0; a < n; ++a) s[a] = rng.Normal();
  Eigen::MatrixXd p = Eigen::MatrixXd::Constant(n, n, 0.5);
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      p(a, b) = 1.0 / (1.0 + std::exp(s[b] - s[a]));
      p(b, a) = 1.0 - p(a, b);
    }
  }
  if (scores != nullptr) *scores = s;
  return p;
}

Eigen::MatrixXd Hard2x2Payoff(double delta) {
  Eigen::MatrixXd payoff(2, 2);
  payoff << -(0.5 + delta), -0.5,
            0.0, -1.0;
  return payoff;
}

std::string GeneratorDescription(const GeneratorOptions& options) {
  const std::string& kind = options.kind;
  if (kind == "random" || kind == "planted" || kind == "transitive") {
    CheckSize(options, 1);
    return fmt::format("{}(n={}, seed={})", kind, options.n, options.seed);
  }
  if (kind == "rps" || kind == "cyclic3") return kind;
  if (kind == "hard2x2") {
    if (!(options.delta > 0 && options.delta < 0.5)) {
      throw InvalidArgument(fmt::format("generate hard2x2: delta = {}. Violated constraint: 0 < delta < 0.5",
                                        options.delta));
    }
    return fmt::format("hard2x2(delta={:g})", options.delta);
  }
  throw InvalidArgument(fmt::format("unknown generator '{}'; known: {}", kind, fmt::join(GeneratorKinds(), ", ")));
}

GeneratedGame Generate(const GeneratorOptions& options) {
  GeneratedGame game;
  game.description = GeneratorDescription(options);  // checks the options before any allocation
  const std::string& kind = options.kind;
  if (kind == "random") {
    game.matrix = RandomPreferences(options.n, options.seed);
  } else if (kind == "planted") {
    Eigen::VectorXd nash;
    game.matrix = PlantedPreferences(options.n, options.seed, &nash);
    game.nash_equilibrium = nash;
  } else if (kind == "rps") {
    game.matrix = RockPaperScissors();
    game.names = {"rock", "paper", "scissors"};
    game.nash_equilibrium = Eigen::VectorXd::Constant(3, 1.0 / 3.0);
  } else if (kind == "cyclic3") {
    game.matrix = Cyclic3();
    game.names = {"a", "b", "c"};
  } else if (kind == "transitive") {
    Eigen::VectorXd scores;
    game.matrix = TransitivePreferences(options.n, options.seed, &scores);
    Eigen::Index best = 0;
    scores.maxCoeff(&best);
    game.nash_equilibrium = Eigen::VectorXd::Unit(options.n, best);
  } else {  // hard2x2, the kind GeneratorDescription left
    game.matrix = Hard2x2Payoff(options.delta);
    game.is_payoff = true;
  }
  return game;
}

}  // namespace nlhf
