// nlhf compare: every method side by side on one game or on seeded generated games — traces, a summary
// and a figure.
#include <fmt/format.h>

#include <cmath>

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/error.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/io/output_folder.h"
#include "nlhf/io/policy_file.h"
#include "nlhf/io/trace_csv.h"

namespace nlhf::cli {
namespace {

std::string FormatLevel(const std::optional<std::int64_t>& iterations) {
  return iterations ? std::to_string(*iterations) : "—";
}

void PrintTable(const std::vector<MethodSummary>& methods, const ComparisonOptions& options) {
  std::cout << fmt::format("{:<12} {:>11} {:>11} {:>11}", "method", "final gap", "best gap", "reg. gap");
  for (double level : options.gap_levels) std::cout << fmt::format(" {:>9}", fmt::format("to {:.0e}", level));
  std::cout << fmt::format(" {:>9}\n", "seconds");
  for (const MethodSummary& m : methods) {
    std::cout << fmt::format("{:<12} {:>11.3e} {:>11.3e} {:>11}", m.name, m.final_gap, m.best_gap,
                             std::isnan(m.final_regularized_gap) ? "—" : fmt::format("{:.3e}", m.final_regularized_gap));
    for (double level : options.gap_levels) std::cout << fmt::format(" {:>9}", FormatLevel(m.iterations_to.at(level)));
    std::cout << fmt::format(" {:>9.3f}\n", m.seconds);
  }
}

}  // namespace

void SetupCompare(CLI::App& command, CompareArgs& args) {
  command.add_option("FILE", args.file, "Preference matrix (as for solve); or use --generate");
  command.add_option("--generate", args.generate, "Compare on seeded generated games of this kind instead")
      ->check(CLI::IsMember(GeneratorKinds()));
  AddPositive(command, "--n", args.n, "Responses of generated games");
  command.add_option("--delta", args.delta, "δ of hard2x2")->capture_default_str();
  command.add_option("--algos", args.algorithms, "Comma-separated algorithms, or 'all'")->capture_default_str();
  AddPositive(command, "--iters", args.iterations, "Iterations of every run");
  AddPositive(command, "--seeds", args.seeds,
                     "Runs per method: seed k generates game k (--generate) and/or the random start (--init random)");
  command.add_option("--init", args.init, "Initial policy: uniform or random (seeded per run)")
      ->check(CLI::IsMember({"uniform", "random"}))
      ->capture_default_str();
  command.add_option("--eta", args.eta, "Step size η of every method that has one (as solve's and train's --eta)");
  command.add_option("--param", args.parameters,
                     "[ALGO:]NAME=VALUE, e.g. beta=0.1 (every method with a beta) or nash-md:beta=0.1 (repeatable)");
  command.add_option("--reference", args.reference,
                     "Reference policy pi_ref of the regularized methods: JSON log-probabilities (default uniform)");
  command.add_option("--out", args.out, "Output folder: summary.json, traces/*.csv, gap.png")->capture_default_str();
  AddGameFileFlags(command, args.game_file);
  AddCommonFlags(command, args.common, false);
}

int RunCompare(const CompareArgs& args, const std::string& command_line) {
  if (args.file.empty() == args.generate.empty()) {
    throw InvalidArgument("compare: give either FILE or --generate KIND");
  }
  ComparisonOptions options;
  options.algorithms = SplitAlgorithms(args.algorithms);
  options.iterations = args.iterations;
  options.seeds = args.seeds;
  options.random_initial_policy = args.init == "random";
  if (!args.reference.empty()) options.reference_log_policy = ReadLogPolicyFile(args.reference);
  for (const std::string& text : args.parameters) {
    const ParameterAssignment assignment = ParseParameterAssignment(text);
    (assignment.algorithm.empty() ? options.common_parameters : options.parameters[assignment.algorithm])
        [assignment.name] = assignment.value;
  }
  if (args.eta) {
    if (!(*args.eta > 0) || !std::isfinite(*args.eta)) {
      throw InvalidArgument(fmt::format("--eta {}: the step size must be a positive number", *args.eta));
    }
    options.common_parameters["eta"] = *args.eta;
  }
  if (!args.file.empty() && !options.random_initial_policy && options.seeds > 1) {
    throw InvalidArgument(fmt::format("compare: --seeds {} on one game from a uniform start repeats the same run; "
                                      "add --init random or use --generate", options.seeds));
  }
  OutputFolder folder("--out", args.out, "summary.json");  // checked, and any older run kept, until the end
  if (ProgressWanted()) {
    options.progress = [](int done, int total, const std::string& what) {
      std::cerr << fmt::format("\r\033[K[{}/{}] {}", done, total, what) << (done == total ? "\n" : "") << std::flush;
    };
  }

  std::optional<ZeroSumGame> file_game;
  if (!args.file.empty()) file_game = ReadGameFile(args.file, args.game_file).game;
  const auto game_for_seed = [&](int seed) {
    if (file_game) return *file_game;
    const GeneratedGame generated =
        Generate({.kind = args.generate, .n = args.n, .seed = static_cast<std::uint64_t>(seed), .delta = args.delta});
    return generated.is_payoff ? ZeroSumGame::FromPayoff(generated.matrix)
                               : ZeroSumGame::FromPreferences(PreferenceGame(generated.matrix, generated.names));
  };
  const std::vector<MethodSummary> methods = RunComparison(game_for_seed, options);

  namespace fs = std::filesystem;
  CreateOutputDirectory(folder.Path("traces"));
  for (const MethodSummary& m : methods) {
    for (size_t seed = 0; seed < m.runs.size(); ++seed) {
      WriteFileAtomically(folder.Path(fmt::format("traces/{}_seed{}.csv", m.name, seed)), FormatTraceCsv(m.runs[seed]));
    }
  }
  WriteFileAtomically(folder.Path("summary.json"), ComparisonSummaryJson(methods, options));
  const std::string subject = args.file.empty() ? fmt::format("{} games, n = {}", args.generate, args.n)
                                                : fs::path(args.file).filename().string();
  PlotGapCurves(PlotCurves(methods),
                {.title = fmt::format("{}: duality gap of each method's answer (median over {} seed{}, min-max band)", subject,
                                      options.seeds, options.seeds == 1 ? "" : "s")},
                folder.Path("gap.png"));
  folder.Commit(command_line);

  if (args.common.json) {
    std::cout << ComparisonSummaryJson(methods, options);
  } else {
    PrintTable(methods, options);
    std::cout << fmt::format("wrote {}/summary.json, {}/gap.png and {}/traces/\n", args.out, args.out, args.out);
  }
  return 0;
}

}  // namespace nlhf::cli
