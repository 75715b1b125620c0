// nlhf reproduce: the paper's experiments end to end — figures, CSVs and a report.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "nlhf/experiments/reproduce.h"
#ifdef NLHF_WITH_TORCH
#include <torch/version.h>

#include "nlhf/neural/neural_figure.h"
#endif

namespace nlhf::cli {

void SetupReproduce(CLI::App& command, ReproduceArgs& args) {
  command.add_flag("--quick", args.quick, "Fewer seeds and iterations (seconds; what the test suite runs)");
  command.add_option("--out", args.out, "Output folder")->capture_default_str();
  command.add_option("--seeds", args.seeds, "Games per family (default 3 with --quick, else 10)")
      ->check(CLI::PositiveNumber);
}

int RunReproduce(const ReproduceArgs& args, const std::string& command_line) {
  ReproduceOptions options;
  options.out = args.out;
  options.quick = args.quick;
  options.seeds = args.seeds;
  options.command_line = command_line;
#ifdef NLHF_WITH_TORCH
  options.versions = fmt::format("LibTorch {}.{}.{}", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
  options.neural_panels = [](bool quick, int seeds, const std::function<void(const std::string&)>& progress) {
    neural::NeuralFigureOptions figure;
    figure.seeds = seeds;
    figure.exact_iterations = quick ? 3000 : 20000;
    figure.sampled_iterations = quick ? 3000 : 6000;
    figure.progress = progress;
    std::vector<std::pair<std::string, GapPanel>> panels;
    for (neural::NeuralPanel& p : neural::RunNeuralFigure(figure)) panels.emplace_back(p.key, std::move(p.panel));
    return panels;
  };
#endif
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
