// nlhf bench: µs per OMWU iteration, effective GB/s and the ratio to the memory-bandwidth floor, with the
// machine's read bandwidth measured in the same run.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "commands.h"
#include "nlhf/experiments/bench.h"
#include "nlhf/experiments/comparison.h"

namespace nlhf::cli {

void SetupBench(CLI::App& command, BenchArgs& args) {
  RefuseOutOfRange<int>(command.add_option("--n", args.n, "Responses per game"))->check(CLI::Range(2, 1 << 20))->capture_default_str();
  AddPositive(command, "--iters", args.iterations, "OMWU iterations per game");
  command.add_option("--storage", args.storage, "f64 or f32 (with --exact: f32 holds each game only as a packed f32 operator)")->check(CLI::IsMember(AllNames(kStorageNames)))->capture_default_str();
  command.add_option("--layout", args.layout,
                     "dense or packed (default: packed from n = 512; with --exact: hold each game only as this operator, "
                     "never as a dense matrix, and run pdhg unless --algos says otherwise)")
      ->check(CLI::IsMember(AllNames(kLayoutNames)));
  AddPositive(command, "--batch", args.batch, "Independent games solved in parallel");
  AddPositive(command, "--repeat", args.repeats, "Timed runs of all the iterations; the median is reported");
  command.add_flag("--exact", args.exact,
                   "Time the exact solvers instead: each on the same random preference games, gaps recomputed");
  command.add_option("--algos", args.algorithms, "With --exact: comma-separated solvers")->capture_default_str();
  AddPositive(command, "--games", args.games, "With --exact: games (seeds seed, seed+1, ...)");
  AddPositive(command, "--time-limit", args.time_limit, "With --exact: seconds per solve before it is stopped");
  AddPositive(command, "--tol", args.gap_tolerance, "With --exact: the duality gap that counts as certified");
  AddCommonFlags(command, args.common, true);
}

namespace {

int RunExactBenchCommand(const BenchArgs& args) {
  ExactBenchOptions options;
  options.n = args.n;
  options.games = args.games;
  options.algorithms = SplitAlgorithms(args.algorithms);
  options.max_seconds_per_solve = args.time_limit;
  options.gap_tolerance = args.gap_tolerance;
  options.seed = args.common.seed;
  // A layout (or f32 storage) asks for games held only as that operator, never as a dense matrix.
  if (!args.layout.empty() || args.storage != "f64") {
    options.operator_layout = args.layout.empty() ? Layout::kPacked : ParseLayout(args.layout);
    options.operator_storage = ParseStorage(args.storage);
    if (args.algorithms == BenchArgs{}.algorithms) options.algorithms = {"pdhg"};
  }
  const std::string held_as = options.operator_layout ? fmt::format("{} {} operator", LayoutName(*options.operator_layout),
                                                                    StorageName(options.operator_storage))
                                                      : "dense f64 matrix";
  if (ProgressWanted()) options.progress = [](const std::string& what) { std::cerr << "\r\033[K" << what << std::flush; };
  const std::vector<ExactBenchRow> rows = RunExactBench(options);
  if (ProgressWanted()) std::cerr << "\r\033[K";
  if (args.common.json) {
    nlohmann::json solvers = nlohmann::json::array();
    for (const ExactBenchRow& row : rows) {
      solvers.push_back({{"algorithm", row.algorithm}, {"seconds", row.seconds}, {"gaps", row.gaps},
                         {"iterations", row.iterations}, {"median_seconds", Median(row.seconds)},
                         {"certified", row.certified}});
    }
    PrintJson({{"n", options.n}, {"games", options.games}, {"gap_tolerance", options.gap_tolerance}, {"held_as", held_as},
               {"peak_resident_bytes", PeakResidentBytes()}, {"solvers", solvers}});
    return 0;
  }
  std::cout << fmt::format("random preference games, n = {}, {} game{} (seeds from {}), gap tolerance {:g}; "
                           "gaps recomputed from each answer\n", options.n, options.games,
                           options.games == 1 ? "" : "s", options.seed, options.gap_tolerance);
  if (options.operator_layout) {
    std::cout << fmt::format("games held only as {}s; peak resident memory {:.3g} GB\n", held_as,
                             PeakResidentBytes() / 1e9);
  }
  std::cout << fmt::format("{:<12} {:>14} {:>12} {:>10}\n", "solver", "median seconds", "worst gap", "certified");
  for (const ExactBenchRow& row : rows) {
    std::cout << fmt::format("{:<12} {:>14.3f} {:>12.2e} {:>6}/{}\n", row.algorithm, Median(row.seconds),
                             *std::max_element(row.gaps.begin(), row.gaps.end()), row.certified, options.games);
  }
  return 0;
}

}  // namespace

int RunBench(const BenchArgs& args) {
  if (args.exact) return RunExactBenchCommand(args);
  BenchOptions options;
  options.n = args.n;
  options.iterations = args.iterations;
  options.storage = ParseStorage(args.storage);
  options.layout = args.layout.empty() ? DefaultLayout(args.n) : ParseLayout(args.layout);
  options.batch = args.batch;
  options.repeats = args.repeats;
  options.seed = args.common.seed;
  const BenchResult r = nlhf::RunBench(options);
  if (args.common.json) {
    PrintJson({{"n", options.n},
               {"iterations", options.iterations},
               {"storage", StorageName(options.storage)},
               {"layout", LayoutName(options.layout)},
               {"batch", options.batch},
               {"repeats", options.repeats},
               {"microseconds_per_iteration", r.microseconds_per_iteration},
               {"fastest_microseconds_per_iteration", r.fastest_microseconds_per_iteration},
               {"slowest_microseconds_per_iteration", r.slowest_microseconds_per_iteration},
               {"bytes_per_iteration", r.bytes_per_iteration},
               {"effective_gb_per_second", r.effective_gb_per_second},
               {"read_bandwidth_gb_per_second", r.read_bandwidth_gb_per_second},
               {"floor_microseconds", r.floor_microseconds},
               {"ratio_to_floor", r.ratio_to_floor},
               {"final_gap", r.final_gap},
               {"seconds", r.seconds}});
    return 0;
  }
  std::cout << fmt::format("n = {}, {} {}, {} game{} × {} OMWU iterations ({:.4g} MB of A per iteration)\n",
                           options.n, LayoutName(options.layout), StorageName(options.storage), options.batch,
                           options.batch == 1 ? "" : "s", options.iterations, r.bytes_per_iteration / 1e6);
  std::cout << fmt::format("  {:.4g} µs per iteration per game, {:.3g} GB/s of A read (median of {} runs; "
                           "{:.4g}–{:.4g} µs)\n",
                           r.microseconds_per_iteration, r.effective_gb_per_second, options.repeats,
                           r.fastest_microseconds_per_iteration, r.slowest_microseconds_per_iteration);
  std::cout << fmt::format("  read bandwidth (probe, this run): {:.3g} GB/s → floor {:.4g} µs; ratio to floor {:.2f}\n",
                           r.read_bandwidth_gb_per_second, r.floor_microseconds, r.ratio_to_floor);
  std::cout << fmt::format("  gap of game 0 after the run: {:.3g}\n", r.final_gap);
  return 0;
}

}  // namespace nlhf::cli
