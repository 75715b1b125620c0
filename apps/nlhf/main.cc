// `nlhf`: Nash learning from human feedback on the command line.
//
// main() is a list of subcommands. It alone turns errors into exit codes: 2 for usage and input errors
// (with "nlhf: error: <message>" on stderr), 1 for anything else.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"
#include "nlhf/error.h"

namespace {

int Fail(int code, const std::string& message) {
  std::cerr << "nlhf: error: " << message << "\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nlhf: Nash equilibria of preference games (Nash learning from human feedback), "
               "certified by the duality gap."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "nlhf 0.1.0");

  nlhf::cli::SolveArgs solve_args;
  CLI::App* solve = app.add_subcommand("solve", "Find a Nash equilibrium of a preference (or payoff) matrix");
  nlhf::cli::SetupSolve(*solve, solve_args);

  nlhf::cli::CompareArgs compare_args;
  CLI::App* compare = app.add_subcommand("compare", "Run several methods side by side: traces, summary, figure");
  nlhf::cli::SetupCompare(*compare, compare_args);

  nlhf::cli::RankArgs rank_args;
  CLI::App* rank = app.add_subcommand("rank", "Rank candidates from comparison data: Nash equilibrium and Bradley-Terry");
  nlhf::cli::SetupRank(*rank, rank_args);

  nlhf::cli::BatchArgs batch_args;
  CLI::App* batch = app.add_subcommand("batch", "Solve many games (JSON Lines or EGPO text) in parallel, one result each");
  nlhf::cli::SetupBatch(*batch, batch_args);

  nlhf::cli::ReproduceArgs reproduce_args;
  CLI::App* reproduce = app.add_subcommand("reproduce", "Run the paper's experiments: figures, CSVs, report");
  nlhf::cli::SetupReproduce(*reproduce, reproduce_args);

  nlhf::cli::BenchArgs bench_args;
  CLI::App* bench = app.add_subcommand("bench", "Time OMWU iterations against the memory-bandwidth floor");
  nlhf::cli::SetupBench(*bench, bench_args);

  nlhf::cli::GenerateArgs generate_args;
  CLI::App* generate = app.add_subcommand("generate", "Write a seeded test game to a matrix file");
  nlhf::cli::SetupGenerate(*generate, generate_args);

  nlhf::cli::TrainArgs train_args;
  CLI::App* train = app.add_subcommand("train", "Train a neural policy (LibTorch) with OMWU or a baseline as its loss");
  nlhf::cli::SetupTrain(*train, train_args);

  nlhf::cli::AlgorithmsArgs algorithms_args;
  CLI::App* algorithms = app.add_subcommand("algorithms", "List the solvers with their parameters");
  nlhf::cli::SetupAlgorithms(*algorithms, algorithms_args);

  // CLI11 reports a mistyped command only as "A subcommand is required"; name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
      names.push_back(command->get_name());
    }
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      return Fail(2, fmt::format("unknown command '{}'; commands: {}", argv[1], fmt::join(names, ", ")));
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    return Fail(2, fmt::format("{}\nRun 'nlhf --help' (or 'nlhf COMMAND --help') for usage.", error.what()));
  }

  const auto RunCommand = [&]() -> int {
    try {
      if (*solve) return nlhf::cli::RunSolve(solve_args);
      if (*compare) return nlhf::cli::RunCompare(compare_args);
      if (*rank) return nlhf::cli::RunRank(rank_args);
      if (*bench) return nlhf::cli::RunBench(bench_args);
      if (*batch) return nlhf::cli::RunBatch(batch_args);
      if (*reproduce) {
        std::string command_line = "nlhf";
        for (int k = 1; k < argc; ++k) command_line += std::string(" ") + argv[k];
        return nlhf::cli::RunReproduce(reproduce_args, command_line);
      }
      if (*generate) return nlhf::cli::RunGenerate(generate_args);
      if (*algorithms) return nlhf::cli::RunAlgorithms(algorithms_args);
      if (*train) return nlhf::cli::RunTrain(train_args);
    } catch (const nlhf::InvalidArgument& error) {
      return Fail(2, error.what());
    } catch (const nlhf::ParseError& error) {
      return Fail(2, error.what());
    } catch (const nlhf::Unavailable& error) {
      return Fail(2, error.what());
    } catch (const std::exception& error) {
      return Fail(1, error.what());
    }
    return 0;
  };
  const int code = RunCommand();
  // A full disk or a closed pipe on stdout shows only when the buffered output is flushed: report it
  // rather than exit 0 with the answer lost.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    return Fail(code == 0 ? 1 : code, fmt::format("cannot write the standard output: {}", std::strerror(errno)));
  }
  return code;
}
