#include "nlhf/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "nlhf/error.h"
#include "nlhf/solvers/clp_lp.h"
#include "nlhf/solvers/exact_lp.h"
#include "nlhf/solvers/extragradient.h"
#include "nlhf/solvers/fused_omwu.h"
#include "nlhf/solvers/interior_point.h"
#include "nlhf/solvers/mmd.h"
#include "nlhf/solvers/mwu.h"
#include "nlhf/solvers/nash_md.h"
#include "nlhf/solvers/ogda.h"
#include "nlhf/solvers/pdhg.h"
#include "nlhf/solvers/omwu.h"
#include "nlhf/solvers/online_ipo.h"
#include "nlhf/solvers/prox_point.h"
#include "nlhf/solvers/regret_matching.h"

namespace nlhf {
namespace {

// The defaults come from each method's options struct (solvers/*.h), their one home; sppo states its own
// (it runs MwuMethod with SPPO's step).
ParameterSpec StepSize(double default_value) {
  return {.name = "eta",
          .default_value = default_value,
          .doc = "η: multiplier of the payoff vector in the log-space update (the default is divided by "
                 "2·max|A| on games whose max|A| exceeds 1/2)",
          .minimum = 0,
          .minimum_inclusive = false,
          .scales_with_payoff = true};
}

ParameterSpec Beta(double default_value, bool zero_allowed = false) {
  return {.name = "beta",
          .default_value = default_value,
          .doc = "β: strength of the KL regularization toward the reference policy",
          .minimum = 0,
          .minimum_inclusive = zero_allowed};
}

template <typename Method, typename Options>
SolveResult Run(const ZeroSumGame& game, const SolveOptions& options, Options method_options) {
  Method method(std::move(method_options));
  return Solve(game, method, options, "");
}

std::vector<AlgorithmSpec> MakeAlgorithms() {
  using Values = ParameterValues;
  std::vector<AlgorithmSpec> algorithms;
  algorithms.push_back({
      .name = "omwu",
      .summary = "optimistic multiplicative weights; last iterate converges linearly after burn-in",
      .reference = "Daskalakis & Panageas 2019; arXiv 2512.24818",
      // η = 1: linearized at an interior NE, OMWU rotates each mode of D^½AD^½ (D = diag π*) by θ = ηω
      // and contracts iff θ < 1/√3, fastest at θ = 1/2. For preference games ω <= max|A| = 1/2, so η = 1
      // is stable on every one (η = 2 sits exactly on the boundary for rock–paper–scissors and fails
      // there). Measurements in docs/solver-options.md.
      .parameters = {StepSize(OmwuOptions{}.step_size)},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        if (!game.symmetric()) return Run<OmwuMethod>(game, options, OmwuOptions{.step_size = v.at("eta")});
        return SolveOmwuFused(game, v.at("eta"), options);
      },
      .fused_omwu_step_size = [](const Values& v) { return v.at("eta"); },
  });
  algorithms.push_back({
      .name = "mwu",
      .summary = "multiplicative weights (entropic OMD), last iterate: cycles, does not converge",
      .reference = "Freund & Schapire 1999",
      .parameters = {StepSize(MwuOptions{}.step_size)},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<MwuMethod>(game, options, MwuOptions{.step_size = v.at("eta")});
      },
  });
  algorithms.push_back({
      .name = "mwu-avg",
      .summary = "multiplicative weights, average iterate: converges at O(1/sqrt(T))",
      .reference = "Freund & Schapire 1999",
      .parameters = {StepSize(MwuOptions{}.step_size)},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<MwuMethod>(game, options, MwuOptions{.step_size = v.at("eta"), .return_average = true});
      },
  });
  algorithms.push_back({
      .name = "sppo",
      .summary = "SPPO's exact tabular update (MWU on P(y > pi_t) - 1/2), last iterate",
      .reference = "Wu et al. 2024, Self-play preference optimization",
      .parameters = {StepSize(1.0)},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<MwuMethod>(game, options, MwuOptions{.step_size = v.at("eta")});
      },
  });
  algorithms.push_back({
      .name = "nash-md",
      .summary = "Nash-MD: mirror descent against the geometric mixture with pi_ref; beta-regularized NE",
      .reference = "Munos et al. 2023, Nash learning from human feedback",
      .parameters = {StepSize(NashMdOptions{}.step_size), Beta(NashMdOptions{}.beta)},
      .check = StepTimesBetaAtMostOne,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<NashMdMethod>(game, options,
                                 NashMdOptions{.step_size = v.at("eta"),
                                               .beta = v.at("beta"),
                                               .reference_log_policy = options.reference_log_policy});
      },
  });
  algorithms.push_back({
      .name = "online-ipo",
      .summary = "online IPO / regularized OMD (INPO-style); beta-regularized NE",
      .reference = "Calandriello et al. 2024; Zhang et al. 2024 (INPO)",
      .parameters = {StepSize(OnlineIpoOptions{}.step_size), Beta(OnlineIpoOptions{}.beta)},
      .check = StepTimesBetaAtMostOne,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<OnlineIpoMethod>(game, options,
                                    OnlineIpoOptions{.step_size = v.at("eta"),
                                                     .beta = v.at("beta"),
                                                     .reference_log_policy = options.reference_log_policy});
      },
  });
  algorithms.push_back({
      .name = "mmd",
      .summary = "magnetic mirror descent toward pi_ref; beta-regularized NE (QRE), linear rate",
      .reference = "Sokota et al. 2023",
      .parameters = {StepSize(MmdOptions{}.step_size), Beta(MmdOptions{}.beta)},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<MmdMethod>(game, options,
                              MmdOptions{.step_size = v.at("eta"),
                                         .beta = v.at("beta"),
                                         .reference_log_policy = options.reference_log_policy});
      },
  });
  algorithms.push_back({
      .name = "egpo",
      .summary = "extragradient / mirror-prox (EGPO); beta = 0: original NE, beta > 0: regularized",
      .reference = "Zhou et al. 2025 (EGPO); Korpelevich 1976; Nemirovski 2004",
      .parameters = {StepSize(ExtragradientOptions{}.step_size),
                     Beta(ExtragradientOptions{}.beta, /*zero_allowed=*/true)},
      .check = StepTimesBetaAtMostOne,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<ExtragradientMethod>(
            game, options,
            ExtragradientOptions{.step_size = v.at("eta"),
                                 .beta = v.at("beta"),
                                 .reference_log_policy = options.reference_log_policy});
      },
  });
  algorithms.push_back({
      .name = "prox",
      .summary = "proximal point, each step solved by an inner fixed-point loop (COMAL-style)",
      .reference = "Liu et al. 2025 (COMAL); Rockafellar 1976",
      .parameters = {StepSize(ProxPointOptions{}.step_size),
                     {.name = "inner_steps",
                      .default_value = static_cast<double>(ProxPointOptions{}.inner_steps),
                      .doc = "K: fixed-point iterations solving each prox step (1 = MWU)",
                      .minimum = 1,
                      .maximum = 100000,
                      .integer = true}},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<ProxPointMethod>(
            game, options,
            ProxPointOptions{.step_size = v.at("eta"), .inner_steps = static_cast<int>(v.at("inner_steps"))});
      },
  });
  algorithms.push_back({
      .name = "ogda",
      .summary = "optimistic gradient descent-ascent, Euclidean, projected onto the simplex",
      .reference = "Popov 1980; Daskalakis et al. 2018; Wei et al. 2021",
      // η = 0.1: Euclidean steps are stable for η < 1/(2‖A‖₂); η = 0.5 already cycles on planted n = 10.
      .parameters = {StepSize(OgdaOptions{}.step_size)},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return Run<OgdaMethod>(game, options, OgdaOptions{.step_size = v.at("eta")});
      },
  });
  algorithms.push_back({
      .name = "rm-plus",
      .summary = "regret matching+, linearly weighted average iterate",
      .reference = "Tammelin 2014",
      .parameters = {},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values&) {
        RegretMatchingPlusMethod method;
        return Solve(game, method, options, "");
      },
  });
  algorithms.push_back({
      .name = "pdhg",
      .summary = "restarted primal-dual hybrid gradient (PDLP-style restarts, primal weight); exact NE, linear rate",
      .reference = "Chambolle & Pock 2011; Applegate et al. 2021 (PDLP), 2023 (restarts and sharpness)",
      .parameters = {{.name = "step_scale",
                      .default_value = PdhgOptions{}.step_scale,
                      .doc = "η·‖A‖₂: the step as a fraction of the stability limit τσ‖A‖₂² < 1",
                      .minimum = 0,
                      .minimum_inclusive = false,
                      .maximum = 0.99},
                     {.name = "crossover_gap",
                      .default_value = PdhgOptions{}.crossover_gap,
                      .doc = "with polishing, cross over to CLP's dual simplex from the iterate once its gap is "
                             "at most this times max|A_ij| (0: never)",
                      .minimum = 0,
                      .maximum = 1}},
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return SolvePdhg(game, PdhgOptions{.step_scale = v.at("step_scale"), .crossover_gap = v.at("crossover_gap")},
                         options);
      },
  });
  algorithms.push_back({
      .name = "ipm",
      .summary = "dense primal-dual interior point method (Mehrotra predictor-corrector); exact NE in 15-25 "
                 "factorizations, finished on its support",
      .reference = "Mehrotra 1992; Nocedal & Wright, Numerical Optimization (2006), Algorithm 14.3",
      .parameters = {{.name = "step_to_boundary",
                      .default_value = InteriorPointOptions{}.step_to_boundary,
                      .doc = "fraction of the way to the boundary each step goes",
                      .minimum = 0.5,
                      .maximum = 0.9999}},
      .needs_dense_payoff = true,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options, const Values& v) {
        return SolveInteriorPoint(game, InteriorPointOptions{.step_to_boundary = v.at("step_to_boundary")}, options);
      },
  });
  algorithms.push_back({
      .name = "clp",
      .summary = "exact Nash equilibrium as the same LP, COIN-OR CLP's dual simplex; a second reference",
      .reference = "Forrest and Goldfarb, steepest-edge simplex algorithms (1992); COIN-OR CLP",
      .parameters = {},
      .needs_dense_payoff = true,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options,
                  const Values&) { return SolveClpLp(game, ClpMethod::kDualSimplex, options); },
  });
  algorithms.push_back({
      .name = "clp-barrier",
      .summary = "exact Nash equilibrium as the same LP, CLP's interior point method with crossover",
      .reference = "Mehrotra, on the implementation of a primal-dual interior point method (1992); COIN-OR CLP",
      .parameters = {},
      .needs_dense_payoff = true,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options,
                  const Values&) { return SolveClpLp(game, ClpMethod::kBarrier, options); },
  });
  algorithms.push_back({
      .name = "lp",
      .summary = "exact Nash equilibrium as one linear program (GLPK simplex); the reference",
      .reference = "von Neumann's minimax theorem as an LP (Dantzig 1951)",
      .parameters = {},
      .needs_dense_payoff = true,
      .solve = [](const ZeroSumGame& game, const SolveOptions& options,
                  const Values&) { return SolveExactLp(game, options); },
  });
  return algorithms;
}

std::string FormatValue(double value) { return fmt::format("{:g}", value); }

}  // namespace

std::string StepTimesBetaAtMostOne(const ParameterValues& values) {
  const double product = values.at("eta") * values.at("beta");
  if (product <= 1) return "";
  return fmt::format("eta·beta = {:g}. Violated constraint: eta·beta <= 1", product);
}

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

std::string DeprecatedParameterName(std::string_view name) { return name == "step_size" ? "eta" : ""; }

std::string CurrentParameterName(std::string_view name) {
  std::string current = DeprecatedParameterName(name);
  return current.empty() ? std::string(name) : current;
}

ParameterValues WithCurrentNames(const ParameterValues& given) {
  ParameterValues current;
  for (const auto& [name, value] : given) {
    const std::string renamed = CurrentParameterName(name);
    if (renamed != name && given.contains(renamed)) {
      throw InvalidArgument(fmt::format("both '{}' and '{}' are given: '{}' is the old name of '{}'; give '{}' only",
                                        name, renamed, name, renamed, renamed));
    }
    current[renamed] = value;
  }
  return current;
}

ParameterValues ResolveParameters(const AlgorithmSpec& algorithm, const ParameterValues& old_or_current) {
  const ParameterValues given = WithCurrentNames(old_or_current);
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
  if (algorithm.check) {
    if (const std::string problem = algorithm.check(values); !problem.empty()) {
      throw InvalidArgument(fmt::format("{}: {}", algorithm.name, problem));
    }
  }
  return values;
}

ParameterValues ScaledDefaults(const AlgorithmSpec& algorithm, const ZeroSumGame& game, const ParameterValues& old_or_current) {
  ParameterValues given = WithCurrentNames(old_or_current);
  const bool needed = std::any_of(algorithm.parameters.begin(), algorithm.parameters.end(),
                                  [&](const ParameterSpec& spec) { return spec.scales_with_payoff && !given.contains(spec.name); });
  const double scale = needed ? game.payoff_scale() : 0.0;
  if (!(scale > 0.5)) return given;
  for (const auto& spec : algorithm.parameters) {
    if (spec.scales_with_payoff && !given.contains(spec.name)) given[spec.name] = spec.default_value * 0.5 / scale;
  }
  return given;
}

std::string FormatSpec(std::string_view name, const std::vector<std::pair<std::string, double>>& values) {
  std::vector<std::string> parts;
  for (const auto& [parameter, value] : values) parts.push_back(fmt::format("{}={}", parameter, FormatValue(value)));
  return fmt::format("{}({})", name, fmt::join(parts, ","));
}

std::string SpecString(const AlgorithmSpec& algorithm, const ParameterValues& values) {
  // A batch names the same method with the same values for each of its games: the name last made on this
  // thread is reused (formatting it took longer than a small game's first dozen iterations).
  thread_local const AlgorithmSpec* last_algorithm = nullptr;
  thread_local std::string last_algorithm_name, last_name;
  thread_local ParameterValues last_values;
  if (&algorithm == last_algorithm && algorithm.name == last_algorithm_name && values == last_values) return last_name;
  std::vector<std::pair<std::string, double>> ordered;
  for (const auto& spec : algorithm.parameters) ordered.emplace_back(spec.name, values.at(spec.name));
  last_name = FormatSpec(algorithm.name, ordered);
  last_algorithm = &algorithm;
  last_algorithm_name = algorithm.name;
  last_values = values;
  return last_name;
}

AlgorithmChoice DefaultAlgorithm(const ZeroSumGame& game, bool parameters_given) {
  if (parameters_given) return {"omwu", "method parameters given without an algorithm"};
  if (!game.has_dense_payoff()) {
    return {"pdhg", fmt::format("the game is held only as its operator ({}): restarted PDHG runs on its products "
                                "(no polishing: that needs the dense matrix)", game.skew_operator()->Describe())};
  }
  const int actions = std::max(game.num_actions(0), game.num_actions(game.num_players() - 1));
  const int fewer = std::min(game.num_actions(0), game.num_actions(game.num_players() - 1));
  if (actions < kDefaultInteriorPointActions) {
    return {"omwu", fmt::format("{} actions < {}: OMWU certifies games of this size in milliseconds", actions,
                                kDefaultInteriorPointActions)};
  }
  if (fewer < kDefaultPdhgActions) {
    return {"ipm", fmt::format("{} actions >= {}, {} < {} for the smaller player: the interior point method "
                               "certifies games of this size fastest (--algo omwu to run OMWU)",
                               actions, kDefaultInteriorPointActions, fewer, kDefaultPdhgActions)};
  }
  return {"pdhg", fmt::format("{} actions >= {}: restarted PDHG, finished by the interior point method on its "
                              "candidate actions, certifies where OMWU may need hundreds of thousands of iterations "
                              "(--algo omwu to run OMWU)",
                              fewer, kDefaultPdhgActions)};
}

SolveResult SolveWith(std::string_view algorithm_name, const ZeroSumGame& game, const SolveOptions& options,
                      const ParameterValues& parameters) {
  const AlgorithmSpec& algorithm = FindAlgorithm(algorithm_name);
  if (algorithm.needs_dense_payoff && !game.has_dense_payoff()) {
    throw InvalidArgument(fmt::format("{} needs the dense payoff matrix, and this game of {} actions is held only as "
                                      "its operator ({}): use pdhg or omwu",
                                      algorithm.name, game.num_actions(0), game.skew_operator()->Describe()));
  }
  const ParameterValues values = ResolveParameters(algorithm, ScaledDefaults(algorithm, game, parameters));
  SolveResult result = algorithm.solve(game, options, values);
  result.algorithm = SpecString(algorithm, values);
  return result;
}

}  // namespace nlhf
