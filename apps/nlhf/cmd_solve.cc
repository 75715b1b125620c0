// nlhf solve FILE: a Nash equilibrium with its certificate.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include <cmath>
#include <iostream>
#include <optional>
#include <streambuf>

#include "commands.h"
#include "distributed/mpi_world.h"
#include "distributed/row_block_operator.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/io/npy_operator.h"
#include "nlhf/io/policy_file.h"
#include "nlhf/io/trace_csv.h"
#include "nlhf/registry.h"

namespace nlhf::cli {
namespace {

std::vector<std::string> AlgorithmNames() {
  std::vector<std::string> names;
  for (const auto& algorithm : Algorithms()) names.push_back(algorithm.name);
  return names;
}

ParameterValues ParseParameters(const SolveArgs& args, const std::string& algorithm) {
  ParameterValues values;
  for (const std::string& text : args.parameters) {
    const ParameterAssignment assignment = ParseParameterAssignment(text);
    if (!assignment.algorithm.empty() && assignment.algorithm != algorithm) {
      throw InvalidArgument(fmt::format("--param '{}' is for {}, but the algorithm is {}", text,
                                        assignment.algorithm, algorithm));
    }
    values[assignment.name] = assignment.value;
  }
  if (args.step_size) values["eta"] = *args.step_size;
  return values;
}

GameFile LoadOperatorGame(const SolveArgs& args) {
  if (FormatFromPath(args.file) != MatrixFormat::kNpy) {
    throw InvalidArgument(fmt::format("--matrix-free reads .npy files only, got '{}'", args.file));
  }
  const Layout layout = args.layout.empty() ? Layout::kPacked : ParseLayout(args.layout);
  OperatorGameFile file = ReadNpyOperatorGame(args.file, ParseStorage(args.storage), layout, args.game_file);
  return {std::move(file.game), file.projection_change};
}

// Under mpirun: the game's rows split across the ranks (distributed/row_block_operator.h), after the
// checks that would otherwise stop each rank alike, agreed on so that the job states an error once.
GameFile LoadRowBlockGame(const SolveArgs& args, const distributed::MpiWorld& world) {
  std::exception_ptr error;
  try {
    if (!args.matrix_free) {
      throw InvalidArgument("under mpirun, nlhf solve splits one .npy game by row blocks across the ranks: give "
                            "--matrix-free");
    }
    if (FormatFromPath(args.file) != MatrixFormat::kNpy) {
      throw InvalidArgument(fmt::format("--matrix-free reads .npy files only, got '{}'", args.file));
    }
    if (!args.layout.empty() && ParseLayout(args.layout) != Layout::kPacked) {
      throw InvalidArgument("--layout dense under mpirun: the ranks hold row blocks of the packed triangle");
    }
    if (args.max_time_in_seconds > 0) {
      throw InvalidArgument("--time-limit under mpirun: each rank's clock would stop its solve at a different "
                            "iteration; give --iters");
    }
  } catch (...) {
    error = std::current_exception();
  }
  world.AgreeOnFirstError(error, 0);
  double projection_change = 0;
  auto payoff = distributed::RowBlockSkewOperator::ReadNpy(world, args.file, ParseStorage(args.storage),
                                                          args.game_file, &projection_change);
  return {ZeroSumGame::FromSkewOperator(std::move(payoff)), projection_change};
}

// Standard output discarded while it lives: ranks other than 0 run the same reporting code as rank 0 (which
// makes products with the game, collective calls for a split game) without printing it.
class DiscardedOutput {
 public:
  DiscardedOutput() : previous_(std::cout.rdbuf(&discard_)) {}
  ~DiscardedOutput() { std::cout.rdbuf(previous_); }
  DiscardedOutput(const DiscardedOutput&) = delete;
  DiscardedOutput& operator=(const DiscardedOutput&) = delete;

 private:
  struct Discard : std::streambuf {
    int overflow(int c) override { return c == EOF ? 0 : c; }
    std::streamsize xsputn(const char*, std::streamsize count) override { return count; }
  };
  Discard discard_;
  std::streambuf* previous_;
};

nlohmann::json ResultJson(const ZeroSumGame& game, const SolveResult& result, const GameFile& loaded,
                          const SolveArgs& args, const std::string& choice) {
  nlohmann::json out = SolveResultJson(game, result);
  if (!choice.empty()) out["algorithm_choice"] = choice;
  out["file"] = args.file;
  out["game"] = game.symmetric() ? "preference" : "payoff";
  if (!game.symmetric()) out["m"] = game.num_actions(0);
  out["gap_tolerance"] = args.gap_tolerance;
  out["message"] = result.message;
  out["returns_average"] = result.returns_average;
  out["seconds"] = result.seconds;
  out["responses"] = game.action_names(0);
  if (!result.policy.empty()) out["log_policy"] = ToJson(result.log_policy[0]);
  if (!game.symmetric() && result.policy.size() == 2) {
    out["log_policy"] = {ToJson(result.log_policy[0]), ToJson(result.log_policy[1])};
    out["row_policy"] = ToJson(result.policy[0]);
    out["column_policy"] = ToJson(result.policy[1]);
    out["row_support"] = ToJson(result.support[0]);
    out["column_support"] = ToJson(result.support[1]);
    out["column_actions"] = game.action_names(1);
  }
  if (game.symmetric()) {
    // The stated game is the complementary projection of the file's P (nlhf/game.h).
    out["projection_max_change"] = loaded.projection_change;
    out["certificate_rounding_bound"] = CertificateRoundingBound(game);
    out["held_as"] = game.has_dense_payoff() ? "dense f64 matrix" : game.skew_operator()->Describe();
  }
  if (args.game_file.symmetrize) out["symmetrize_max_change"] = loaded.projection_change;
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

void PrintSummary(const ZeroSumGame& game, const SolveResult& result, const GameFile& loaded,
                  const SolveArgs& args) {
  if (game.symmetric()) {
    std::cout << fmt::format("{}: preference game with {} responses\n", args.file, game.num_actions(0));
    if (!game.has_dense_payoff()) {
      std::cout << fmt::format("held only as its operator ({}): its entries are the game solved and certified\n",
                               game.skew_operator()->Describe());
    }
  } else {
    std::cout << fmt::format("{}: {}×{} zero-sum payoff game (row player maximizes)\n", args.file,
                             game.num_actions(0), game.num_actions(1));
  }
  if (args.game_file.symmetrize || loaded.projection_change > 0) {
    std::cout << fmt::format("{}: P replaced by (P + 1 − Pᵀ)/2, the game solved and certified; entries moved by at "
                             "most {:.3g}\n", args.game_file.symmetrize ? "symmetrized" : "made complementary",
                             loaded.projection_change);
  }
  // Small games finish in well under a millisecond: "0.000 s" would say nothing.
  const std::string duration = result.seconds < 0.1 ? fmt::format("{:.3g} ms", 1e3 * result.seconds)
                                                    : fmt::format("{:.3f} s", result.seconds);
  std::cout << fmt::format("{}: {} after {} iterations in {}\n", result.algorithm,
                           result.converged() ? "converged" : "DID NOT CONVERGE", result.iterations, duration);
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
  command.add_option("--algo,-a", args.algorithm,
                     fmt::format("Solver (see 'nlhf algorithms'). Default: omwu below {} actions, ipm (interior point) "
                                 "below {}, pdhg from {} on (the choice is printed); omwu when --eta or --param is given",
                                 kDefaultInteriorPointActions, kDefaultPdhgActions, kDefaultPdhgActions))
      ->check(CLI::IsMember(AlgorithmNames()));
  command.add_option("--eta", args.step_size, "Step size η of iterative methods (default: the method's)");
  AddDeprecatedAlias(command, "--step-size", "--eta", args.step_size);
  command.add_option("--param", args.parameters, "A method parameter NAME=VALUE (repeatable)");
  AddNonNegative(command, "--iters", args.max_iterations, "Maximum number of iterations");
  AddNonNegative(command, "--tol", args.gap_tolerance, "Stop when the duality gap is <= this");
  command.add_option("--time-limit", args.max_time_in_seconds, "Stop after this many seconds (0: no limit)")
      ->check(NonNegative());
  command.add_option("--init", args.init,
                     "Initial policy: uniform, random (logits from --seed), exact (the equilibrium of the interior "
                     "point method or PDHG, with a 1e-6 share of uniform mixed in; exact:SHARE for another share: "
                     "OMWU warm-started), or a JSON file of log-probabilities")
      ->capture_default_str();
  command.add_option("--reference", args.reference,
                     "Reference policy pi_ref of the regularized methods: JSON log-probabilities (default uniform)");
  AddGameFileFlags(command, args.game_file);
  command.add_option("--trace", args.trace_path, "Write the per-iteration trace to this CSV file");
  AddPositive(command, "--trace-every", args.trace_every, "Trace every K-th iteration");
  command.add_flag("--trace-policy", args.trace_policy,
                   "Add every action's log-probability to the trace (columns log_pi_<a>, or log_x_/log_y_)");
  command.add_option("--support-threshold", args.support_threshold,
                     "Actions with probability above this form the reported support")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command.add_option("--storage", args.storage, "How the iterations (omwu, pdhg) store A: f64, or f32 (half the bytes; gap down to ~1e-8)")
      ->check(CLI::IsMember(AllNames(kStorageNames)))
      ->capture_default_str();
  command.add_option("--layout", args.layout, "How the iterations (omwu, pdhg) store A: dense, or packed upper triangle (default: packed from n = 512)")
      ->check(CLI::IsMember(AllNames(kLayoutNames)));
  command.add_flag("--matrix-free", args.matrix_free,
                   "Read the .npy file straight into the --layout/--storage operator (default packed) and hold the game "
                   "only there: no dense copy (n = 32,768 in 2.1 GB as packed f32, whose rounded entries are then the "
                   "game); pdhg or omwu, no polishing. Under mpirun -np K, the ranks split the packed triangle by row "
                   "blocks (1/K of the bytes each; docs/scale-out.md)");
  command.add_flag("--polish,!--no-polish", args.polish,
                   "Finish exactly (the equalizer on the iterate's settled support, or crossover to a simplex "
                   "started from it) when that answer certifies (default on)");
  AddCommonFlags(command, args.common, true);
}

int RunSolve(const SolveArgs& args) {
  // Started by mpirun as one of several ranks: one game split by row blocks (docs/scale-out.md). Every rank
  // solves it, taking the same steps; rank 0 alone reports.
  std::optional<distributed::MpiWorld> world;
  if (distributed::LaunchedWorldSize() > 1) world.emplace();
  const bool reporting = !world || world->rank() == 0;
  if (!args.trace_path.empty() && reporting) CheckOutputFile("--trace", args.trace_path);
  const GameFile loaded = world              ? LoadRowBlockGame(args, *world)
                          : args.matrix_free ? LoadOperatorGame(args)
                                             : ReadGameFile(args.file, args.game_file);
  const ZeroSumGame& game = loaded.game;
  SolveOptions options;
  options.max_iterations = args.max_iterations;
  options.gap_tolerance = args.gap_tolerance;
  if (args.max_time_in_seconds > 0) options.max_time_in_seconds = args.max_time_in_seconds;
  options.trace_interval = args.trace_path.empty() ? 0 : args.trace_every;
  options.trace_log_policy = args.trace_policy;
  options.support_threshold = args.support_threshold;
  options.initial = ParseInitialPolicy(args.init, args.common.seed);
  options.polish = args.polish;
  options.storage = ParseStorage(args.storage);
  if (!args.layout.empty()) options.layout = ParseLayout(args.layout);
  if (!args.reference.empty()) options.reference_log_policy = ReadLogPolicyFile(args.reference);

  // No --algo: chosen by size, and said; method parameters without --algo are OMWU's (its step size).
  std::string algorithm = args.algorithm, choice;
  if (algorithm.empty()) {
    const AlgorithmChoice chosen = DefaultAlgorithm(game, args.step_size.has_value() || !args.parameters.empty());
    algorithm = chosen.name;
    choice = chosen.Describe();
  }
  // On a terminal, a solve still running after a second shows its iteration and gap on stderr, twice a
  // second (the clock is read every 1,024 iterations of a small game, where an iteration takes 40 ns, and
  // every iteration from 200 actions, where an interior point iteration can take seconds).
  const auto start = std::chrono::steady_clock::now();
  auto next_report = start + std::chrono::seconds(1);
  bool reported = false;
  const int clock_stride = std::max(game.num_actions(0), game.num_actions(game.num_players() - 1)) >= 200 ? 1 : 1024;
  if (ProgressWanted()) {
    options.callback = [&](const TraceRecord& record) {
      if (record.iteration % clock_stride != 0) return true;
      const auto now = std::chrono::steady_clock::now();
      if (now < next_report) return true;
      next_report = now + std::chrono::milliseconds(500);
      reported = true;
      std::cerr << fmt::format("\r\033[K{}: iteration {}, gap {:.3g}, {:.1f} s", algorithm, record.iteration,
                               record.duality_gap, std::chrono::duration<double>(now - start).count())
                << std::flush;
      return true;
    };
  }
  const SolveResult result = SolveWith(algorithm, game, options, ParseParameters(args, algorithm));
  if (reported) std::cerr << "\r\033[K" << std::flush;
  std::optional<DiscardedOutput> silent;
  if (!reporting) silent.emplace();
  if (!args.trace_path.empty() && reporting) {
    WriteFileAtomically(args.trace_path, FormatTraceCsv(result, &game));
  }
  if (args.common.json) {
    PrintJson(ResultJson(game, result, loaded, args, choice));
  } else {
    if (!choice.empty()) std::cout << fmt::format("algorithm: {}\n", choice);
    PrintSummary(game, result, loaded, args);
  }
  return 0;
}

}  // namespace nlhf::cli
