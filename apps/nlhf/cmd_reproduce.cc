// nlhf reproduce: the paper's experiments end to end — figures, CSVs and a report.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "nlhf/experiments/reproduce.h"
#include "neural_plugin.h"

namespace nlhf::cli {

void SetupReproduce(CLI::App& command, ReproduceArgs& args) {
  command.add_flag("--quick", args.quick, "Fewer seeds and iterations (seconds; what the test suite runs)");
  command.add_option("--out", args.out, "Output folder")->capture_default_str();
  RefuseOutOfRange<int>(command.add_option("--seeds", args.seeds, "Games per family (default 3 with --quick, else 10)"), 1)
      ->check(Positive());
}

int RunReproduce(const ReproduceArgs& args, const std::string& command_line) {
  ReproduceOptions options;
  options.out = args.out;
  options.quick = args.quick;
  options.seeds = args.seeds;
  options.command_line = command_line;
  if (NeuralPluginAvailable()) {
    const NeuralPluginFunctions& plugin = NeuralPlugin();
    options.versions = plugin.torch_version();
    options.neural_panels = [&plugin](bool quick, int seeds, const std::function<void(const std::string&)>& progress) {
      std::vector<std::pair<std::string, MethodPanel>> panels;
      plugin.neural_figure_panels(quick, seeds, progress, &panels);
      return panels;
    };
  }
  if (ProgressWanted()) {
    options.progress = [](const std::string& what) { std::cerr << "\r\033[K" << what << std::flush; };
  }
  const ReproduceSummary summary = Reproduce(options);
  if (ProgressWanted()) std::cerr << "\r\033[K";
  std::cout << fmt::format("wrote {} files to {} in {:.1f} s\n", summary.files.size(), args.out, summary.seconds);
  for (const auto& [claim, supported] : summary.claims) {
    std::cout << fmt::format("  [{}] {}\n", supported ? "supported" : "NOT supported", claim);
  }
  return 0;
}

}  // namespace nlhf::cli
