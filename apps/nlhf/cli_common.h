// Pieces every subcommand shares: the common flags and turning vectors into JSON.
#ifndef NLHF_APPS_CLI_COMMON_H_
#define NLHF_APPS_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/game.h"
#include "nlhf/io/result_json.h"
#include "nlhf/solver.h"

namespace nlhf::cli {

// The exit code of a failure: 2 for input and usage errors (InvalidArgument, ParseError, Unavailable),
// 1 for any other (gnuplot failing, a write error).
int ExitCodeOf(const std::exception& error);

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

// For integer flags: the text must be a whole number that the type holds, else an error that says so.
// CLI11 (2.1) reads integers with strtoll, which clamps 99999999999999999999 to the type's maximum,
// wraps -1 into 2^64 - 1 for unsigned types and reads 010 as octal; this transform replaces the text by
// its plain decimal form first (and accepts 1e6 for a million).
CLI::Validator WholeNumber(long double min, long double max);

template <typename T> struct IntegerFlag { using type = T; };
template <typename T> struct IntegerFlag<std::optional<T>> { using type = T; };

// Adds WholeNumber to an option whose destination is an integer (or an optional integer).
// `lowest` raises the type's minimum (1 for positive flags, 0 for non-negative ones).
template <typename T>
CLI::Option* RefuseOutOfRange(CLI::Option* option, long double lowest = -1e30L) {
  using Value = typename IntegerFlag<T>::type;
  if constexpr (std::is_integral_v<Value>) {
    option->transform(WholeNumber(std::max(lowest, static_cast<long double>(std::numeric_limits<Value>::min())),
                                  static_cast<long double>(std::numeric_limits<Value>::max())));
  }
  return option;
}

// "a,b,c" as algorithm names, or every registered one for "all"; an unknown name fails with the list of
// known ones (compare --algos, bench --exact --algos).
std::vector<std::string> SplitAlgorithms(const std::string& list);

// A numeric option with that rule and its default shown in --help.
template <typename T>
CLI::Option* AddPositive(CLI::App& command, const std::string& name, T& value, const std::string& description) {
  return RefuseOutOfRange<T>(command.add_option(name, value, description), 1)->check(Positive())->capture_default_str();
}
template <typename T>
CLI::Option* AddNonNegative(CLI::App& command, const std::string& name, T& value, const std::string& description) {
  return RefuseOutOfRange<T>(command.add_option(name, value, description), 0)->check(NonNegative())->capture_default_str();
}

// An option's old spelling: hidden from --help, still read into `value`, with a note on stderr naming the
// current one (e.g. --step-size, now --eta).
template <typename T>
void AddDeprecatedAlias(CLI::App& command, const std::string& old_name, const std::string& current, T& value) {
  command.add_option(old_name, value)
      ->group("")
      ->each([old_name, current](const std::string&) {
        std::cerr << "nlhf: note: " << old_name << " is deprecated; use " << current << "\n";
      });
}

// How to read a game file (ReadGameFile, nlhf/io/matrix_file.h) is MatrixGameOptions (nlhf/game.h): --payoff,
// --symmetrize, --symmetry-tol (solve and compare).
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

// The head of `nlhf batch --json`'s one object, up to the opening of its "results" array (each way of
// running a batch writes the per-game objects after it, then "]}\n").
std::string BatchJsonHead(const std::string& file, std::uint64_t games, std::uint64_t certified, double gap_tolerance);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_CLI_COMMON_H_
