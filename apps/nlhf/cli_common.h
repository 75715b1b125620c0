// Pieces every subcommand shares: the common flags and turning vectors into JSON.
#ifndef NLHF_APPS_CLI_COMMON_H_
#define NLHF_APPS_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nlhf/game.h"
#include "nlhf/solver.h"

namespace nlhf::cli {

// Flags that mean the same in every subcommand.
struct CommonArgs {
  bool json = false;
  std::uint64_t seed = 0;
};
void AddCommonFlags(CLI::App& command, CommonArgs& args, bool with_seed);

// Checks for numeric flags that state the rule: CLI11's PositiveNumber answers 0 with "Value 0 not in
// range 0.000000 to 1797693134862315708...", these with "must be > 0, got 0".
CLI::Validator Positive();
CLI::Validator NonNegative();

// How to read a game file (flags shared by solve and compare).
struct GameFileOptions {
  bool payoff = false;              // --payoff: a general m×n payoff matrix
  bool symmetrize = false;          // --symmetrize: replace P by (P + 1 − Pᵀ)/2
  // --symmetry-tol; unset: DefaultSymmetryTolerance of the file's precision (1e-9, or 1e-6 for float32)
  std::optional<double> symmetry_tolerance;
};

struct LoadedGame {
  ZeroSumGame game;
  // Largest entry change made by the complementary projection (P + 1 − Pᵀ)/2 that every accepted
  // preference matrix goes through (nlhf/game.h); with --symmetrize it may be large.
  double projection_change = 0;
};

// Reads `path` as a preference matrix (or a payoff matrix with --payoff or a JSON "payoff" key).
LoadedGame LoadGame(const std::string& path, const GameFileOptions& options);
void AddGameFileFlags(CLI::App& command, GameFileOptions& options);

// "--param [ALGO:]NAME=VALUE" → (algorithm or "", name, value); throws InvalidArgument otherwise.
struct ParameterAssignment {
  std::string algorithm;
  std::string name;
  double value = 0;
};
ParameterAssignment ParseParameterAssignment(const std::string& text);

// True when stderr is a terminal, where progress lines are drawn.
bool ProgressWanted();

// A vector as a JSON array; −inf (a log of an exact zero) becomes null, as JSON has no infinities.
nlohmann::json ToJson(const Eigen::VectorXd& v);
nlohmann::json ToJson(const std::vector<int>& v);

// What every command reports of one solve (solve --json adds the rest, batch adds the context): algorithm,
// n, iterations, duality_gap, regularized_gap (β-methods), converged, termination, polished, policy and
// support (of the row player in a two-player game).
nlohmann::json SolveResultJson(const ZeroSumGame& game, const SolveResult& result);

// Prints one JSON document on stdout.
void PrintJson(const nlohmann::json& document);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_CLI_COMMON_H_
