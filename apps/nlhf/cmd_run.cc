// nlhf run EXPERIMENT.yaml: an experiment described in a file (nlhf/experiments/experiment.h,
// docs/experiments.md), run into a folder of per-run records and traces, tables, a report and figures.
#include <fmt/format.h>

#include <iostream>
#include <thread>

#include "commands.h"
#include "nlhf/error.h"
#include "nlhf/experiments/experiment.h"
#include "nlhf/io/atomic_file.h"
#include "neural_plugin.h"

namespace nlhf::cli {

void SetupRun(CLI::App& command, RunArgs& args) {
  command.add_option("EXPERIMENT", args.file, "The experiment file (YAML; docs/experiments.md)")->required();
  command.add_option("--out", args.out, "The results folder (default: results/NAME, NAME the experiment's)");
  command.add_option("--set", args.overrides,
                     "KEY=VALUE: change the file's value at a dotted path before reading it, e.g. iterations=500, "
                     "methods.0.eta=[0.1,1] (repeatable)");
  AddPositive(command, "--jobs", args.jobs, "Runs in parallel (each run is one thread; default 1)");
  command.add_flag("--resume", args.resume,
                   "Keep the runs an earlier invocation finished into the same folder with the same settings");
  command.add_flag("--dry-run", args.dry_run, "List the runs the grids expand to, and run nothing");
  command.add_flag("--quick", args.quick, "Apply the file's quick: settings (fewer seeds and iterations) before any --set");
}

int RunRun(const RunArgs& args) {
  const Experiment experiment = ParseExperiment(ReadTextFile(args.file), args.file, args.overrides, args.quick);
  const size_t runs = experiment.games.size() * experiment.methods.size() * experiment.seeds.size();
  const std::string out = args.out.empty() ? "results/" + experiment.name : args.out;
  if (args.dry_run) {
    std::cout << fmt::format("{}: {} game(s) x {} method(s) x {} seed(s) = {} runs of {} iterations\n", args.file,
                             experiment.games.size(), experiment.methods.size(), experiment.seeds.size(), runs,
                             experiment.iterations);
    for (const ExperimentGame& g : experiment.games) std::cout << "game    " << g.label << "\n";
    for (const ExperimentMethod& m : experiment.methods) std::cout << "method  " << m.label << "\n";
    return 0;
  }
  RunExperimentOptions options;
  options.jobs = args.jobs;
  options.resume = args.resume;
  if (experiment.neural_run()) options.neural = ExperimentNeuralRunner();
  if (ProgressWanted()) {
    options.progress = [](int done, int total) {
      std::cerr << fmt::format("\r\033[Krun {}/{}", done, total) << (done == total ? "\n" : "") << std::flush;
    };
  }
  const ExperimentResult result = RunExperiment(experiment, out, options);
  int diverged = 0;
  for (const RunRecord& r : result.runs) diverged += r.diverged ? 1 : 0;
  std::cout << fmt::format("{}: {} runs into {}/ ({} resumed, {} diverged): runs.csv, summary.csv, report.md{}\n",
                           experiment.name, result.runs.size(), out, result.resumed, diverged,
                           experiment.figures ? ", figures" : "");
  return 0;
}

}  // namespace nlhf::cli
