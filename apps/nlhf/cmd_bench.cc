// nlhf bench: µs per OMWU iteration, effective GB/s and the ratio to the memory-bandwidth floor, with the
// machine's read bandwidth measured in the same run.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "nlhf/experiments/bench.h"

namespace nlhf::cli {

void SetupBench(CLI::App& command, BenchArgs& args) {
  RefuseOutOfRange<int>(command.add_option("--n", args.n, "Responses per game"))->check(CLI::Range(2, 1 << 20))->capture_default_str();
  AddPositive(command, "--iters", args.iterations, "OMWU iterations per game");
  command.add_option("--storage", args.storage, "f64 or f32")->check(CLI::IsMember(AllNames(kStorageNames)))->capture_default_str();
  command.add_option("--layout", args.layout, "dense or packed (default: packed from n = 512)")
      ->check(CLI::IsMember(AllNames(kLayoutNames)));
  AddPositive(command, "--batch", args.batch, "Independent games solved in parallel");
  AddPositive(command, "--repeat", args.repeats, "Timed runs of all the iterations; the median is reported");
  AddCommonFlags(command, args.common, true);
}

int RunBench(const BenchArgs& args) {
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
