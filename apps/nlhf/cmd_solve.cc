// nlhf solve FILE: a Nash equilibrium with its certificate.
#include <fmt/format.h>

#include <iostream>
#include <limits>

#include "commands.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/io/policy_file.h"
#include "nlhf/registry.h"

namespace nlhf::cli {
namespace {

std::vector<std::string> AlgorithmNames() {
  std::vector<std::string> names;
  for (const auto& algorithm : Algorithms()) names.push_back(algorithm.name);
  return names;
}

ParameterValues ParseParameters(const SolveArgs& args) {
  ParameterValues values;
  for (const std::string& assignment : args.parameters) {
    const size_t equals = assignment.find('=');
    double value = 0;
    size_t used = 0;
    bool parsed = false;
    if (equals != std::string::npos && equals > 0) {
      try {
        value = std::stod(assignment.substr(equals + 1), &used);
        parsed = used == assignment.size() - equals - 1;
      } catch (const std::exception&) {
        parsed = false;
      }
    }
    if (!parsed) {
      throw InvalidArgument(fmt::format("--param '{}': expected NAME=NUMBER, e.g. --param step_size=0.5",
                                        assignment));
    }
    values[assignment.substr(0, equals)] = value;
  }
  if (args.step_size) values["step_size"] = *args.step_size;
  return values;
}

struct LoadedGame {
  ZeroSumGame game;
  double symmetrize_change = 0;  // largest entry change made by --symmetrize
};

LoadedGame LoadGame(const SolveArgs& args) {
  MatrixFile file = ReadMatrixFile(args.file);
  if (args.payoff || file.is_payoff) {
    return {ZeroSumGame::FromPayoff(std::move(file.values), file.row_names, file.column_names, file.source)};
  }
  double change = 0;
  if (args.symmetrize) {
    // The entries must be probabilities before averaging; only P + Pᵀ = 1 is being repaired.
    PreferenceGame unchecked_symmetry(file.values, file.row_names,
                                      {.symmetry_tolerance = std::numeric_limits<double>::infinity()},
                                      file.source);
    change = Symmetrize(file.values);
  }
  PreferenceGame preferences(std::move(file.values), file.row_names,
                             {.symmetry_tolerance = args.symmetry_tolerance}, file.source);
  return {ZeroSumGame::FromPreferences(preferences), change};
}

InitialPolicy MakeInitialPolicy(const SolveArgs& args) {
  InitialPolicy initial;
  initial.seed = args.common.seed;
  if (args.init == "uniform") {
    initial.kind = InitialPolicy::Kind::kUniform;
  } else if (args.init == "random") {
    initial.kind = InitialPolicy::Kind::kRandom;
  } else {
    initial.kind = InitialPolicy::Kind::kGiven;
    initial.log_policy = ReadLogPolicyFile(args.init);
  }
  return initial;
}

// One row per record; with --trace-policy also one column per action and player, named
// log_pi_<action> in self-play and log_x_<action>, log_y_<action> for the row and column players.
std::string TraceCsv(const ZeroSumGame& game, const SolveResult& result, bool with_policy) {
  std::string csv = "iteration,duality_gap,min_log_probability,l1_change";
  if (with_policy) {
    for (int p = 0; p < game.num_players(); ++p) {
      const char* prefix = game.symmetric() ? "pi" : (p == 0 ? "x" : "y");
      for (int a = 0; a < game.num_actions(p); ++a) csv += fmt::format(",log_{}_{}", prefix, a);
    }
  }
  csv += "\n";
  for (const TraceRecord& r : result.trace) {
    csv += fmt::format("{},{:.17g},{:.17g},{:.17g}", r.iteration, r.duality_gap, r.min_log_probability,
                       r.l1_change);
    for (const auto& log_policy : r.log_policy) {
      for (double l : log_policy) csv += fmt::format(",{:.17g}", l);
    }
    csv += "\n";
  }
  return csv;
}

nlohmann::json ResultJson(const ZeroSumGame& game, const SolveResult& result, const LoadedGame& loaded,
                          const SolveArgs& args) {
  nlohmann::json out;
  out["algorithm"] = result.algorithm;
  out["file"] = args.file;
  out["game"] = game.symmetric() ? "preference" : "payoff";
  out["n"] = game.num_actions(game.symmetric() ? 0 : 1);
  if (!game.symmetric()) out["m"] = game.num_actions(0);
  out["iterations"] = result.iterations;
  out["duality_gap"] = result.duality_gap;
  out["gap_tolerance"] = args.gap_tolerance;
  out["converged"] = result.converged();
  out["termination"] = TerminationName(result.termination);
  out["message"] = result.message;
  out["returns_average"] = result.returns_average;
  out["polished"] = result.polished;
  out["seconds"] = result.seconds;
  out["responses"] = game.action_names(0);
  if (!result.policy.empty()) {
    out["policy"] = ToJson(result.policy[0]);
    out["log_policy"] = ToJson(result.log_policy[0]);
    out["support"] = ToJson(result.support[0]);
  }
  if (!game.symmetric() && result.policy.size() == 2) {
    out["log_policy"] = {ToJson(result.log_policy[0]), ToJson(result.log_policy[1])};
    out["row_policy"] = ToJson(result.policy[0]);
    out["column_policy"] = ToJson(result.policy[1]);
    out["row_support"] = ToJson(result.support[0]);
    out["column_support"] = ToJson(result.support[1]);
    out["column_actions"] = game.action_names(1);
  }
  if (args.symmetrize) out["symmetrize_max_change"] = loaded.symmetrize_change;
  if (!args.trace_path.empty()) out["trace"] = args.trace_path;
  return out;
}

void PrintPolicyTable(const std::string& title, const std::vector<std::string>& names,
                      const Eigen::VectorXd& policy, const std::vector<int>& support,
                      const Eigen::VectorXd* payoffs, double payoff_offset, const char* payoff_label) {
  std::cout << fmt::format("{} (support: {} of {} actions)\n", title, support.size(), policy.size());
  size_t width = 8;
  for (int a : support) width = std::max(width, names[a].size());
  std::cout << fmt::format("  {:<{}}  {:>12}", "action", width, "probability");
  if (payoffs != nullptr) std::cout << fmt::format("  {:>12}", payoff_label);
  std::cout << "\n";
  for (int a : support) {
    std::cout << fmt::format("  {:<{}}  {:>12.9f}", names[a], width, policy[a]);
    if (payoffs != nullptr) std::cout << fmt::format("  {:>12.9f}", (*payoffs)[a] + payoff_offset);
    std::cout << "\n";
  }
}

void PrintSummary(const ZeroSumGame& game, const SolveResult& result, const LoadedGame& loaded,
                  const SolveArgs& args) {
  if (game.symmetric()) {
    std::cout << fmt::format("{}: preference game with {} responses\n", args.file, game.num_actions(0));
  } else {
    std::cout << fmt::format("{}: {}×{} zero-sum payoff game (row player maximizes)\n", args.file,
                             game.num_actions(0), game.num_actions(1));
  }
  if (args.symmetrize) {
    std::cout << fmt::format("symmetrized: P replaced by (P + 1 − Pᵀ)/2, entries moved by at most {:.3g}\n",
                             loaded.symmetrize_change);
  }
  std::cout << fmt::format("{}: {} after {} iterations in {:.3f} s\n", result.algorithm,
                           result.converged() ? "converged" : "DID NOT CONVERGE", result.iterations,
                           result.seconds);
  std::cout << fmt::format("  {}\n", result.message);
  std::cout << fmt::format("duality gap (certificate): {:.3g}\n", result.duality_gap);
  if (result.policy.empty()) return;
  const PlayerVectors payoffs = game.Payoffs(result.policy);
  if (game.symmetric()) {
    std::cout << fmt::format("  no response beats the equilibrium more often than {:.12f}\n",
                             0.5 + result.duality_gap / 2);
    PrintPolicyTable("equilibrium", game.action_names(0), result.policy[0], result.support[0], &payoffs[0],
                     0.5, "P(a > pi)");
  } else {
    PrintPolicyTable("row player", game.action_names(0), result.policy[0], result.support[0], &payoffs[0], 0,
                     "payoff");
    PrintPolicyTable("column player", game.action_names(1), result.policy[1], result.support[1], &payoffs[1],
                     0, "-payoff");
  }
}

}  // namespace

void SetupSolve(CLI::App& command, SolveArgs& args) {
  command.add_option("FILE", args.file,
                     "Preference matrix (text: whitespace/comma separated, '#' comments; .json; .npy)")
      ->required();
  command.add_option("--algo,-a", args.algorithm, "Solver (see 'nlhf algorithms')")
      ->check(CLI::IsMember(AlgorithmNames()))
      ->capture_default_str();
  command.add_option("--eta,--step-size", args.step_size, "Step size η of iterative methods (default: the method's)");
  command.add_option("--param", args.parameters, "A method parameter NAME=VALUE (repeatable)");
  command.add_option("--iters", args.max_iterations, "Maximum number of iterations")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--tol", args.gap_tolerance, "Stop when the duality gap is <= this")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--time-limit", args.max_time_in_seconds, "Stop after this many seconds (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  command.add_option("--init", args.init,
                     "Initial policy: uniform, random (logits from --seed), or a JSON file of log-probabilities")
      ->capture_default_str();
  command.add_flag("--symmetrize", args.symmetrize, "Replace P by (P + 1 - P^T)/2 and report how far it moved");
  command.add_option("--symmetry-tol", args.symmetry_tolerance, "Allowed |P + P^T - 1|")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_flag("--payoff", args.payoff,
                   "FILE holds a general m×n zero-sum payoff matrix (row player maximizes): two-player solve");
  command.add_option("--trace", args.trace_path, "Write the per-iteration trace to this CSV file");
  command.add_option("--trace-every", args.trace_every, "Trace every K-th iteration")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_flag("--trace-policy", args.trace_policy,
                   "Add every action's log-probability to the trace (columns log_pi_<a>, or log_x_/log_y_)");
  command.add_option("--support-threshold", args.support_threshold,
                     "Actions with probability above this form the reported support")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command.add_flag("--polish,!--no-polish", args.polish,
                   "Finish exactly on the iterate's settled support when that answer certifies (default on)");
  AddCommonFlags(command, args.common, true);
}

int RunSolve(const SolveArgs& args) {
  const LoadedGame loaded = LoadGame(args);
  const ZeroSumGame& game = loaded.game;
  SolveOptions options;
  options.max_iterations = args.max_iterations;
  options.gap_tolerance = args.gap_tolerance;
  if (args.max_time_in_seconds > 0) options.max_time_in_seconds = args.max_time_in_seconds;
  options.trace_interval = args.trace_path.empty() ? 0 : args.trace_every;
  options.trace_log_policy = args.trace_policy;
  options.support_threshold = args.support_threshold;
  options.initial = MakeInitialPolicy(args);
  options.polish = args.polish;

  const SolveResult result = SolveWith(args.algorithm, game, options, ParseParameters(args));
  if (!args.trace_path.empty()) {
    WriteFileAtomically(args.trace_path, TraceCsv(game, result, args.trace_policy));
  }
  if (args.common.json) {
    PrintJson(ResultJson(game, result, loaded, args));
  } else {
    PrintSummary(game, result, loaded, args);
  }
  return 0;
}

}  // namespace nlhf::cli
