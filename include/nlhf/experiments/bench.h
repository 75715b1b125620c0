// `nlhf bench`: OMWU's time per iteration against the machine's memory-bandwidth floor, measured in the
// same run (the floor is the bytes of A read once per iteration, divided by a STREAM-like read probe).
#ifndef NLHF_EXPERIMENTS_BENCH_H_
#define NLHF_EXPERIMENTS_BENCH_H_

#include <cstdint>

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

}  // namespace nlhf

#endif  // NLHF_EXPERIMENTS_BENCH_H_
