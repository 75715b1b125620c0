// nlhf reproduce: the paper's experiments end to end — the shipped experiment files run by the engine of
// `nlhf run`, their figures and tables, and one report with every claim's verdict.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "commands.h"
#include "nlhf/experiments/reproduce.h"
#include "neural_plugin.h"

namespace nlhf::cli {

void SetupReproduce(CLI::App& command, ReproduceArgs& args) {
  command.add_flag("--quick", args.quick, "Each file's quick: settings, fewer seeds and iterations (what the test suite runs)");
  command.add_option("--out", args.out, "Output folder: one folder per experiment and report.md")->capture_default_str();
  RefuseOutOfRange<int>(command.add_option("--seeds", args.seeds, "Games per family, seeded 1..K (default: each file's, 10; 3 with --quick)"), 1)
      ->check(Positive());
  RefuseOutOfRange<int>(command.add_option("--jobs", args.jobs, "Runs in parallel (default: one per hardware thread)"), 1)
      ->check(Positive());
  command.add_flag("--list", args.list, "Print the experiment files (their YAML) and run nothing");
}

int RunReproduce(const ReproduceArgs& args, const std::string& command_line) {
  if (args.list) {
    for (const auto& [name, text] : ReproductionFiles()) {
      std::cout << fmt::format("# ---- experiments/reproduce/{}\n{}\n", name, text);
    }
    return 0;
  }
  ReproduceOptions options;
  options.out = args.out;
  options.quick = args.quick;
  options.seeds = args.seeds;
  options.jobs = args.jobs;
  options.command_line = command_line;
  if (NeuralPluginAvailable()) {
    options.versions = NeuralPlugin().torch_version();
    options.neural = ExperimentNeuralRunner();
  }
  if (ProgressWanted()) {
    options.progress = [](const std::string& what) { std::cerr << "\r\033[K" << what << std::flush; };
  }
  const ReproduceSummary summary = Reproduce(options);
  if (ProgressWanted()) std::cerr << "\r\033[K";
  std::cout << fmt::format("wrote {} experiments ({}) and report.md to {} in {:.1f} s\n", summary.experiments.size(),
                           fmt::join(summary.experiments, ", "), args.out, summary.seconds);
  for (const std::string& skipped : summary.skipped) std::cout << "  " << skipped << "\n";
  for (const ClaimVerdict& claim : summary.claims) {
    std::cout << fmt::format("  [{}] {} ({} of {} runs hold)\n", claim.supported ? "supported" : "NOT supported", claim.text,
                             claim.runs - claim.failing_runs, claim.runs);
  }
  return 0;
}

}  // namespace nlhf::cli
