// Algorithms by name. One explicit table (filled by a plain function, not by static self-registration)
// drives the command line, `nlhf algorithms`, validation messages, the docs and later the benchmarks
// and `reproduce`, so that they all share one list.
#ifndef NLHF_REGISTRY_H_
#define NLHF_REGISTRY_H_

#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nlhf/game.h"
#include "nlhf/solver.h"

namespace nlhf {

// A numeric parameter of one method, with the interval it must lie in.
struct ParameterSpec {
  std::string name;  // snake_case, e.g. "eta", "inner_steps"
  double default_value = 0;
  std::string doc;   // one line, with the math symbol: "η: ..."
  double minimum = -std::numeric_limits<double>::infinity();
  bool minimum_inclusive = true;
  double maximum = std::numeric_limits<double>::infinity();
  bool integer = false;
  // The default was chosen for payoffs in [−1/2, 1/2] (preference games). For a game whose max|A| is
  // larger, SolveWith divides the default by 2·max|A| so that η·max|A| stays what it was tuned for; a
  // value given explicitly is used as given.
  bool scales_with_payoff = false;
};

using ParameterValues = std::map<std::string, double>;

struct AlgorithmSpec {
  std::string name;       // short and stable: "omwu"
  std::string summary;    // one line
  std::string reference;  // where the update rule comes from
  std::vector<ParameterSpec> parameters;
  // Needs the dense payoff matrix (an LP or a factorization): refused on a game held only as its
  // operator (ZeroSumGame::FromSkewOperator). The iterative methods run on any game.
  bool needs_dense_payoff = false;
  // A constraint between parameters, checked after each one's own: empty when satisfied, otherwise
  // "eta·beta = 2. Violated constraint: eta·beta <= 1". Null when there is none.
  std::function<std::string(const ParameterValues&)> check;
  // Solves `game` with fully resolved parameters (every spec present and valid).
  std::function<SolveResult(const ZeroSumGame&, const SolveOptions&, const ParameterValues&)> solve;
  // Set for a method whose `solve` of a symmetric game is SolveOmwuFused (nlhf/solvers/fused_omwu.h) with
  // this step size: a batch (SolveBatch) may then advance two small such games together in one kernel,
  // with the results `solve` gives.
  std::function<double(const ParameterValues&)> fused_omwu_step_size;
};

// The constraint the regularized mirror steps share, tabular and neural: ηβ <= 1 keeps the weight
// (1 − ηβ) on log π_t non-negative. Empty when {"eta", "beta"} satisfy it, else the violation.
std::string StepTimesBetaAtMostOne(const ParameterValues& values);

// Every registered algorithm, in the order `nlhf algorithms` lists them.
const std::vector<AlgorithmSpec>& Algorithms();

// Throws InvalidArgument "unknown algorithm 'x'; known: omwu, mwu, ..." when absent.
const AlgorithmSpec& FindAlgorithm(std::string_view name);

// Defaults completed by `given`, each value checked against its spec. Throws InvalidArgument such as
// "omwu: eta = -1. Violated constraint: eta > 0" or "lp has no parameter 'eta'". The step size is `eta`
// everywhere (command line, experiment files, Python); `step_size`, its name before, is still read as
// `eta` (DeprecatedParameterName).
ParameterValues ResolveParameters(const AlgorithmSpec& algorithm, const ParameterValues& given);

// The current name of a parameter given by an old one ("step_size" → "eta"), or "" when `name` is current.
std::string DeprecatedParameterName(std::string_view name);
// `name` under its current name: "step_size" → "eta", any other name as it is.
std::string CurrentParameterName(std::string_view name);
// `given` with old names replaced by current ones; InvalidArgument when both spellings are given.
ParameterValues WithCurrentNames(const ParameterValues& given);

// "omwu(eta=0.5)": the algorithm and every parameter value, replayable.
std::string SpecString(const AlgorithmSpec& algorithm, const ParameterValues& values);
// The same format for any name and values in the given order (the neural methods' specs).
std::string FormatSpec(std::string_view name, const std::vector<std::pair<std::string, double>>& values);

// `given` completed with the payoff-scaled defaults of `game` (ParameterSpec::scales_with_payoff).
ParameterValues ScaledDefaults(const AlgorithmSpec& algorithm, const ZeroSumGame& game, const ParameterValues& given);

// The algorithm run when none is named (`nlhf solve`, `nlhf rank`, `nlhf batch`, Python's nlhf.solve):
// OMWU, the paper's method, on games of fewer than kDefaultInteriorPointActions actions per player, where
// it certifies in milliseconds (and OMWU whatever the size when method parameters are given without an
// algorithm: a step size is OMWU's); the dense interior point method while the smaller player has fewer
// than kDefaultPdhgActions actions (its factorizations cost the cube of that size; random n = 300: 0.02 s
// against GLPK's 0.13 s, n = 700: 0.30 s); restarted PDHG finished by the interior point method on its
// candidate actions from there (n = 1,000: 0.58 s against 0.72 s, n = 2,000: 2.4 s against 4.7 s,
// n = 8,192: 87 s; docs/benchmarks.md, `nlhf bench --exact --games 3`). OMWU may need hundreds of
// thousands of iterations at these sizes (random n = 300: 237,640). `why` says so, for the output.
inline constexpr int kDefaultInteriorPointActions = 200;
inline constexpr int kDefaultPdhgActions = 1000;
struct AlgorithmChoice {
  std::string name;
  std::string why;

  // "pdhg (300 actions >= 200: ...)", as the command line and Python report it.
  std::string Describe() const { return name + " (" + why + ")"; }
};
AlgorithmChoice DefaultAlgorithm(const ZeroSumGame& game, bool parameters_given = false);

// FindAlgorithm + ScaledDefaults + ResolveParameters + solve, with the spec string in result.algorithm.
SolveResult SolveWith(std::string_view algorithm_name,
                      const ZeroSumGame& game,
                      const SolveOptions& options,
                      const ParameterValues& parameters = {});

}  // namespace nlhf

#endif  // NLHF_REGISTRY_H_
