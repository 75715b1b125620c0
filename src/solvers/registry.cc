#include "nlhf/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "nlhf/error.h"
#include "nlhf/solvers/exact_lp.h"
#include "nlhf/solvers/mwu.h"
#include "nlhf/solvers/omwu.h"

namespace nlhf {
namespace {

ParameterSpec StepSize(double default_value) {
  return {.name = "step_size",
          .default_value = default_value,
          .doc = "η: multiplier of the payoff vector in the log-space update",
          .minimum = 0,
          .minimum_inclusive = false};
}

std::vector<AlgorithmSpec> MakeAlgorithms() {
  std::vector<AlgorithmSpec> algorithms;
  algorithms.push_back({
      .name = "omwu",
      .summary = "optimistic multiplicative weights; last iterate converges linearly after burn-in",
      .reference = "Daskalakis & Panageas 2019; arXiv 2512.24818",
      // η = 1: linearized at an interior NE, OMWU rotates each mode of D^½AD^½ (D = diag π*) by θ = ηω
      // and contracts iff θ < 1/√3, fastest at θ = 1/2. For preference games ω <= max|A| = 1/2, so η = 1
      // is stable on every one (η = 2 sits exactly on the boundary for rock–paper–scissors and fails
      // there). Measurements in docs/solver-options.md.
      .parameters = {StepSize(1.0)},
      .solve =
          [](const ZeroSumGame& game, const SolveOptions& options, const ParameterValues& values) {
            OmwuMethod method({.step_size = values.at("step_size")});
            return Solve(game, method, options, "");
          },
  });
  algorithms.push_back({
      .name = "mwu",
      .summary = "multiplicative weights (entropic OMD), last iterate: cycles, does not converge",
      .reference = "Freund & Schapire 1999",
      .parameters = {StepSize(0.1)},
      .solve =
          [](const ZeroSumGame& game, const SolveOptions& options, const ParameterValues& values) {
            MwuMethod method({.step_size = values.at("step_size"), .return_average = false});
            return Solve(game, method, options, "");
          },
  });
  algorithms.push_back({
      .name = "mwu-avg",
      .summary = "multiplicative weights, average iterate: converges at O(1/sqrt(T))",
      .reference = "Freund & Schapire 1999",
      .parameters = {StepSize(0.1)},
      .solve =
          [](const ZeroSumGame& game, const SolveOptions& options, const ParameterValues& values) {
            MwuMethod method({.step_size = values.at("step_size"), .return_average = true});
            return Solve(game, method, options, "");
          },
  });
  algorithms.push_back({
      .name = "lp",
      .summary = "exact Nash equilibrium as one linear program (GLPK simplex); the reference",
      .reference = "von Neumann's minimax theorem as an LP (Dantzig 1951)",
      .parameters = {},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options,
                  const ParameterValues&) { return SolveExactLp(game, options); },
  });
  return algorithms;
}

std::string FormatValue(double value) { return fmt::format("{:g}", value); }

}  // namespace

const std::vector<AlgorithmSpec>& Algorithms() {
  static const std::vector<AlgorithmSpec> algorithms = MakeAlgorithms();
  return algorithms;
}

const AlgorithmSpec& FindAlgorithm(std::string_view name) {
  for (const auto& algorithm : Algorithms()) {
    if (algorithm.name == name) return algorithm;
  }
  std::vector<std::string> names;
  for (const auto& algorithm : Algorithms()) names.push_back(algorithm.name);
  throw InvalidArgument(fmt::format("unknown algorithm '{}'; known: {}", name, fmt::join(names, ", ")));
}

ParameterValues ResolveParameters(const AlgorithmSpec& algorithm, const ParameterValues& given) {
  for (const auto& [name, value] : given) {
    bool known = false;
    for (const auto& spec : algorithm.parameters) known = known || spec.name == name;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& spec : algorithm.parameters) names.push_back(spec.name);
      throw InvalidArgument(fmt::format("{} has no parameter '{}'; its parameters: {}", algorithm.name, name,
                                        names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
    }
  }
  ParameterValues values;
  for (const auto& spec : algorithm.parameters) {
    const auto it = given.find(spec.name);
    const double value = it == given.end() ? spec.default_value : it->second;
    const auto violated = [&](const std::string& constraint) {
      return InvalidArgument(fmt::format("{}: {} = {}. Violated constraint: {}", algorithm.name, spec.name,
                                         FormatValue(value), constraint));
    };
    if (!std::isfinite(value)) throw violated(fmt::format("{} is finite", spec.name));
    if (spec.minimum_inclusive ? value < spec.minimum : value <= spec.minimum) {
      throw violated(fmt::format("{} {} {}", spec.name, spec.minimum_inclusive ? ">=" : ">",
                                 FormatValue(spec.minimum)));
    }
    if (value > spec.maximum) {
      throw violated(fmt::format("{} <= {}", spec.name, FormatValue(spec.maximum)));
    }
    if (spec.integer && value != std::floor(value)) {
      throw violated(fmt::format("{} is an integer", spec.name));
    }
    values[spec.name] = value;
  }
  return values;
}

std::string SpecString(const AlgorithmSpec& algorithm, const ParameterValues& values) {
  std::vector<std::string> parts;
  for (const auto& spec : algorithm.parameters) {
    parts.push_back(fmt::format("{}={}", spec.name, FormatValue(values.at(spec.name))));
  }
  return fmt::format("{}({})", algorithm.name, fmt::join(parts, ","));
}

SolveResult SolveWith(std::string_view algorithm_name, const ZeroSumGame& game, const SolveOptions& options,
                      const ParameterValues& parameters) {
  const AlgorithmSpec& algorithm = FindAlgorithm(algorithm_name);
  const ParameterValues values = ResolveParameters(algorithm, parameters);
  SolveResult result = algorithm.solve(game, options, values);
  result.algorithm = SpecString(algorithm, values);
  return result;
}

}  // namespace nlhf
