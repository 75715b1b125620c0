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
#include "nlhf/io/result_json.h"
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

// A numeric option with that rule and its default shown in --help.
template <typename T>
CLI::Option* AddPositive(CLI::App& command, const std::string& name, T& value, const std::string& description) {
  return command.add_option(name, value, description)->check(Positive())->capture_default_str();
}
template <typename T>
CLI::Option* AddNonNegative(CLI::App& command, const std::string& name, T& value, const std::string& description) {
  return command.add_option(name, value, description)->check(NonNegative())->capture_default_str();
}

struct LoadedGame {
  ZeroSumGame game;
  // Largest entry change made by the complementary projection (P + 1 − Pᵀ)/2 that every accepted
  // preference matrix goes through (nlhf/game.h); with --symmetrize it may be large.
  double projection_change = 0;
};

// Reads `path` as a preference matrix (or a payoff matrix with --payoff or a JSON "payoff" key).
// How to read a game file is MatrixGameOptions (nlhf/game.h): --payoff, --symmetrize, --symmetry-tol
// (solve and compare).
LoadedGame LoadGame(const std::string& path, const MatrixGameOptions& options);
void AddGameFileFlags(CLI::App& command, MatrixGameOptions& options);

// "--param [ALGO:]NAME=VALUE" → (algorithm or "", name, value); throws InvalidArgument otherwise.
struct ParameterAssignment {
  std::string algorithm;
  std::string name;
  double value = 0;
};
ParameterAssignment ParseParameterAssignment(const std::string& text);

// True when stderr is a terminal, where progress lines are drawn.
bool ProgressWanted();

// Prints one JSON document on stdout.
void PrintJson(const nlohmann::json& document);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_CLI_COMMON_H_
