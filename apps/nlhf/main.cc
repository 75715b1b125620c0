// `nlhf`: Nash learning from human feedback on the command line.
//
// main() is a table of subcommands. It alone turns errors into exit codes: 2 for usage and input errors
// (with "nlhf: error: <message>" on stderr), 1 for anything else, including an output that cannot be
// written.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

#include <CLI/CLI.hpp>
#include <iostream>

#include "batch_parts.h"
#include "commands.h"
#include "distributed/mpi_world.h"
#include "generated_docs.h"
#include "nlhf/error.h"

namespace {

int Fail(int code, const std::string& message) {
  // The messages quote short excerpts; this bounds any that still quotes a whole field of a large file.
  constexpr size_t kLongestMessage = 4000;
  // One write: under mpirun, the launcher's own lines on the same stream would otherwise land inside it.
  std::cerr << fmt::format("nlhf: error: {}\n",
                           message.size() <= kLongestMessage
                               ? message
                               : fmt::format("{} [... {} more bytes of this message left out]",
                                             nlhf::Excerpt(message, kLongestMessage), message.size() - kLongestMessage));
  return code;
}

// One subcommand: its flags are set up on its CLI11 app; `run` reads the parsed arguments.
struct Command {
  const char* name;
  const char* summary;
  std::function<void(CLI::App&)> setup;
  std::function<int()> run;
};

template <typename Args, typename Run>
Command MakeCommand(const char* name, const char* summary, void (*setup)(CLI::App&, Args&), Run run) {
  auto args = std::make_shared<Args>();
  return {name, summary, [=](CLI::App& app) { setup(app, *args); }, [=] { return run(*args); }};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nlhf::cli;
  std::string command_line = "nlhf";
  for (int k = 1; k < argc; ++k) command_line += std::string(" ") + argv[k];

  const std::vector<Command> commands = {
      MakeCommand("solve", "Find a Nash equilibrium of a preference (or payoff) matrix", SetupSolve, RunSolve),
      MakeCommand("compare", "Run several methods side by side: traces, summary, figure", SetupCompare,
                  [&](const CompareArgs& args) { return RunCompare(args, command_line); }),
      MakeCommand("run", "Run an experiment file (YAML): games x methods x grids x seeds, tables, report, figures",
                  SetupRun, RunRun),
      MakeCommand("rank", "Rank candidates from comparison data: Nash equilibrium and Bradley-Terry", SetupRank,
                  RunRank),
      MakeCommand("batch", "Solve many games (JSON Lines or EGPO text) in parallel, one result each", SetupBatch,
                  RunBatch),
      MakeCommand("merge", "Join the part files of 'nlhf batch --out-dir' into one, in input order", SetupMerge,
                  RunMerge),
      MakeCommand("reproduce", "Run the paper's experiments: figures, CSVs, report", SetupReproduce,
                  [&](const ReproduceArgs& args) { return RunReproduce(args, command_line); }),
      MakeCommand("bench", "Time OMWU iterations against the memory-bandwidth floor", SetupBench, RunBench),
      MakeCommand("generate", "Write a seeded test game to a matrix file", SetupGenerate, RunGenerate),
      MakeCommand("train", "Train a neural policy (LibTorch) with OMWU or a baseline as its loss", SetupTrain,
                  RunTrain),
      MakeCommand("algorithms", "List the solvers with their parameters", SetupAlgorithms, RunAlgorithms),
  };

  CLI::App app{"nlhf: Nash equilibria of preference games (Nash learning from human feedback), "
               "certified by the duality gap."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "nlhf " NLHF_VERSION);
  std::vector<CLI::App*> subcommands;
  std::vector<std::string> names;
  for (const Command& command : commands) {
    subcommands.push_back(app.add_subcommand(command.name, command.summary));
    command.setup(*subcommands.back());
    names.push_back(command.name);
  }

  // Documentation generated from the definitions above (generated_docs.h).
  std::string docs_kind;
  CLI::App* docs = app.add_subcommand("docs", "Print a bash completion script or the man page, made from --help");
  docs->add_option("KIND", docs_kind, "bash-completion or man")->required()->check(CLI::IsMember({"bash-completion", "man"}));
  names.push_back("docs");

  // CLI11 reports a mistyped command only as "A subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    return Fail(2, fmt::format("unknown command '{}'; commands: {}", argv[1], fmt::join(names, ", ")));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    return Fail(2, fmt::format("{}\nRun 'nlhf --help' (or 'nlhf COMMAND --help') for usage.", error.what()));
  }

  int code = 0;
  if (*docs) {
    app.name("nlhf");  // usage lines say "nlhf", not the path the binary was run by
    std::cout << (docs_kind == "man" ? ManPage(app, NLHF_VERSION) : BashCompletion(app));
    return std::cout.flush() ? 0 : 1;
  }
  // Under mpirun, a command that does not split its work would run whole on every rank, each writing the
  // same outputs: refused, once (rank 0 says why).
  if (const int ranks = nlhf::distributed::LaunchedWorldSize(); ranks > 1) {
    for (size_t k = 0; k < commands.size(); ++k) {
      const std::string name = commands[k].name;
      if (*subcommands[k] && name != "batch" && name != "solve" && name != "train") {
        if (nlhf::distributed::LaunchedRank() != 0) return 2;
        return Fail(2, fmt::format("nlhf {} does not split its work across the {} ranks mpirun started: run it as one "
                                   "process (batch, solve --matrix-free and train split; docs/scale-out.md)",
                                   name, ranks));
      }
    }
  }
  try {
    for (size_t k = 0; k < commands.size(); ++k) {
      if (*subcommands[k]) code = commands[k].run();
    }
  } catch (const nlhf::distributed::ReportedElsewhere&) {
    code = 0;  // another rank of the MPI job reports the error and ends the job with its code
  } catch (const nlhf::Error& error) {
    code = Fail(ExitCodeOf(error), error.what());
  } catch (const std::exception& error) {
    code = Fail(1, error.what());
  }
  // A full disk or a closed pipe on stdout shows only when the buffered output is flushed: report it
  // rather than exit 0 with the answer lost.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    return Fail(code == 0 ? 1 : code, fmt::format("cannot write the standard output: {}", std::strerror(errno)));
  }
  return code;
}
