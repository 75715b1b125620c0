#include "cli_common.h"

#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/registry.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <iostream>

namespace nlhf::cli {

int ExitCodeOf(const std::exception& error) {
  return dynamic_cast<const InvalidArgument*>(&error) != nullptr || dynamic_cast<const ParseError*>(&error) != nullptr ||
                 dynamic_cast<const Unavailable*>(&error) != nullptr
             ? 2
             : 1;
}

void AddGameFileFlags(CLI::App& command, MatrixGameOptions& options) {
  command.add_flag("--symmetrize", options.symmetrize, "Accept any P: replace it by (P + 1 - P^T)/2 and report how far it moved");
  command.add_option("--symmetry-tol", options.symmetry_tolerance,
                     "Allowed |P + P^T - 1| (default 1e-9; 1e-6 for a float32 .npy). An accepted P is replaced by "
                     "(P + 1 - P^T)/2, the game then solved and certified")
      ->check(NonNegative());
  command.add_flag("--payoff", options.payoff,
                   "FILE holds a general m×n zero-sum payoff matrix (row player maximizes): two-player solve");
}

ParameterAssignment ParseParameterAssignment(const std::string& text) {
  ParameterAssignment assignment;
  const size_t equals = text.find('=');
  std::string name = equals == std::string::npos ? "" : text.substr(0, equals);
  if (const size_t colon = name.find(':'); colon != std::string::npos) {
    assignment.algorithm = name.substr(0, colon);
    name = name.substr(colon + 1);
  }
  bool parsed = false;
  if (!name.empty()) {
    try {
      size_t used = 0;
      const std::string number = text.substr(equals + 1);
      assignment.value = std::stod(number, &used);
      parsed = used == number.size();
    } catch (const std::exception&) {
      parsed = false;
    }
  }
  if (!parsed) {
    throw InvalidArgument(fmt::format("--param '{}': expected [ALGO:]NAME=NUMBER, e.g. --param eta=0.5 or "
                                      "--param nash-md:beta=0.1", text));
  }
  // η is `eta` everywhere (--eta, eta: in experiment files, eta= in Python); its old name still works.
  assignment.name = name;
  if (const std::string current = DeprecatedParameterName(name); !current.empty()) {
    std::cerr << fmt::format("nlhf: note: --param {}: '{}' is deprecated; the parameter is now '{}'\n", text, name, current);
    assignment.name = current;
  }
  return assignment;
}

std::vector<std::string> SplitAlgorithms(const std::string& list) {
  std::vector<std::string> names;
  if (list == "all") {
    for (const auto& algorithm : Algorithms()) names.push_back(algorithm.name);
    return names;
  }
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, comma - start);
    if (!name.empty()) {
      FindAlgorithm(name);  // an unknown name fails here, with the list of known ones
      names.push_back(name);
    }
    start = comma + 1;
  }
  return names;
}

bool ProgressWanted() { return ::isatty(STDERR_FILENO) == 1; }

namespace {

CLI::Validator NumberAtLeast(double bound, bool strict, const std::string& name) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value)) return "expected a number, got '" + input + "'";
        const bool ok = strict ? value > bound : value >= bound;  // false for NaN
        return ok ? "" : fmt::format("must be {} {:g}, got {}", strict ? ">" : ">=", bound, input);
      },
      name);
}

}  // namespace

CLI::Validator WholeNumber(long double min, long double max) {
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        // long double holds every 64-bit integer exactly, so the range check below is exact.
        long double value = 0;
        const char* begin = input.c_str();
        char* end = nullptr;
        errno = 0;
        value = std::strtold(begin, &end);
        const bool number = end != begin && *end == '\0' && errno == 0 && std::isfinite(value);
        if (!number || value != std::floor(value) || input.find_first_of("xXpP") != std::string::npos) {
          return fmt::format("expected a whole number, got '{}'", input);
        }
        if (value < min || value > max) {
          return fmt::format("must be a whole number from {:.0Lf} to {:.0Lf}, got {}", min, max, input);
        }
        input = fmt::format("{:.0Lf}", value);
        return "";
      },
      "INT");
}

CLI::Validator Positive() { return NumberAtLeast(0, true, "POSITIVE"); }
CLI::Validator NonNegative() { return NumberAtLeast(0, false, "NONNEGATIVE"); }

void AddCommonFlags(CLI::App& command, CommonArgs& args, bool with_seed) {
  command.add_flag("--json", args.json, "Print exactly one JSON object on stdout instead of a summary");
  if (with_seed) {
    RefuseOutOfRange<std::uint64_t>(
        command.add_option("--seed", args.seed, "Seed for every random choice (same seed, same numbers)"))
        ->capture_default_str();
  }
}

std::string BatchJsonHead(const std::string& file, std::uint64_t games, std::uint64_t certified, double gap_tolerance) {
  return fmt::format("{{\"file\":{},\"games\":{},\"certified\":{},\"gap_tolerance\":{},\"results\":[",
                     nlohmann::json(file).dump(), games, certified, nlohmann::json(gap_tolerance).dump());
}

void PrintJson(const nlohmann::json& document) { std::cout << document.dump(1) << std::endl; }

}  // namespace nlhf::cli
