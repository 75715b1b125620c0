// `nlhf bench`: OMWU's time per iteration against the machine's memory-bandwidth floor, measured in the
// same run (the floor is the bytes of A read once per iteration, divided by a STREAM-like read probe).
#ifndef NLHF_EXPERIMENTS_BENCH_H_
#define NLHF_EXPERIMENTS_BENCH_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nlhf/kernels/skew_operator.h"

namespace nlhf {

struct BenchOptions {
  int n = 1000;
  std::int64_t iterations = 100;
  Storage storage = Storage::kF64;
  Layout layout = Layout::kDense;
  int batch = 1;             // independent games, solved in parallel (OpenMP over games)
  int repeats = 5;           // timed runs of all the iterations; the median is reported (shared machines)
  std::uint64_t seed = 0;
};

struct BenchResult {
  double seconds = 0;                      // all iterations of all games, the median run
  double microseconds_per_iteration = 0;   // per game: seconds / (iterations · batch), the median run
  double fastest_microseconds_per_iteration = 0, slowest_microseconds_per_iteration = 0;  // over the runs
  double bytes_per_iteration = 0;          // of A, per game
  double effective_gb_per_second = 0;      // bytes of A read per second, all games
  double read_bandwidth_gb_per_second = 0;  // the probe
  double floor_microseconds = 0;           // bytes_per_iteration / bandwidth (per game, batch-amortized)
  double ratio_to_floor = 0;
  double final_gap = 0;                    // of game 0: shows the iterations did real work
};

// A random skew operator, A_ij ~ U(−1/2, 1/2) for i < j (the EGPO generator minus 1/2), built row by row
// without a dense matrix. Reproducible for a seed; the same entries as RandomPreferences(n, seed) − 1/2.
SkewOperator RandomSkewOperator(int n, std::uint64_t seed, Storage storage, Layout layout);

// Read bandwidth in GB/s: all threads sum a 512 MiB array (far beyond the caches), best of 5 passes.
double MeasureReadBandwidth();

BenchResult RunBench(const BenchOptions& options);

// `nlhf bench --exact`: the exact solvers side by side on the same random preference games (the EGPO
// generator, seeds seed, seed + 1, ...), each game given to every solver in turn, the gap of each answer
// recomputed from its policy in the original game. Polishing is on, as in `nlhf solve`. With an
// `operator_layout`, each game is built only as a SkewOperator in that layout and `operator_storage`
// (RandomSkewOperator: no dense matrix, so n = 32,768 fits in 2.1 GB as packed f32) and the solvers run
// on its products (ZeroSumGame::FromSkewOperator); the f32-rounded entries are then the game.
struct ExactBenchOptions {
  int n = 500;
  int games = 1;
  std::vector<std::string> algorithms = {"pdhg", "lp", "clp", "clp-barrier"};
  std::optional<Layout> operator_layout;
  Storage operator_storage = Storage::kF64;
  double gap_tolerance = 1e-9;
  double max_seconds_per_solve = 600;  // a solver past this stops and is reported unfinished
  std::uint64_t seed = 0;
  std::function<void(const std::string&)> progress;  // "pdhg on game 1 of 3"
};

struct ExactBenchRow {
  std::string algorithm;
  std::vector<double> seconds, gaps;  // per game
  std::vector<std::int64_t> iterations;  // per game
  int certified = 0;                  // games whose recomputed gap is <= the tolerance
};

std::vector<ExactBenchRow> RunExactBench(const ExactBenchOptions& options);

// The process's peak resident memory so far, in bytes (getrusage): what the exact bench reports beside the
// matrix's own bytes.
double PeakResidentBytes();

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_BENCH_H_
