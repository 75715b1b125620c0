#include "nlhf/experiments/bench.h"

#include <fmt/format.h>
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/metrics.h"
#include "nlhf/registry.h"
#include "nlhf/resources.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/random.h"
#include "nlhf/solvers/fused_omwu.h"

namespace nlhf {
namespace {

// The bytes a SkewOperator of this shape holds.
double OperatorBytes(double n, Storage storage, Layout layout) {
  const double entries = layout == Layout::kPacked ? n * (n - 1) / 2 : n * n;
  return entries * (storage == Storage::kF32 ? 4.0 : 8.0);
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

SkewOperator RandomSkewOperator(int n, std::uint64_t seed, Storage storage, Layout layout) {
  // Same draw order as RandomPreferences: row by row over the upper triangle.
  Rng rng(seed);
  return SkewOperator::FromUpperTriangle(n, storage, layout, [&](int, int) { return rng.Uniform() - 0.5; });
}

double MeasureReadBandwidth() {
  const std::size_t count = (std::size_t{512} << 20) / sizeof(double);
  // The same kind of memory as the operator's (huge pages), so that the floor is the floor of its reads;
  // allocated without initialization, so that the loop below is the first touch.
  HugePageAllocator<double> allocator;
  const auto release = [&](double* p) { allocator.deallocate(p, count); };
  std::unique_ptr<double[], decltype(release)> data(allocator.allocate(count), release);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<double>(i & 7);  // first touch per thread
  double best = 0;
  volatile double sink = 0;
  for (int pass = 0; pass < 5; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    double sum = 0;
    // Sixteen independent partial sums per thread, so that the adds' latency never limits the reads.
#pragma omp parallel reduction(+ : sum)
    {
      const std::size_t threads = static_cast<std::size_t>(omp_get_num_threads());
      const std::size_t thread = static_cast<std::size_t>(omp_get_thread_num());
      const std::size_t begin = count * thread / threads / 16 * 16;
      const std::size_t end = thread + 1 == threads ? count : count * (thread + 1) / threads / 16 * 16;
      double partial[16] = {};
      for (std::size_t i = begin; i < end; i += 16) {
#pragma omp simd
        for (int k = 0; k < 16; ++k) partial[k] += data[i + k];
      }
      for (double p : partial) sum += p;
    }
    const double seconds = Seconds(start);
    sink = sink + sum;
    best = std::max(best, static_cast<double>(count * sizeof(double)) / seconds / 1e9);
  }
  return best;
}

std::vector<ExactBenchRow> RunExactBench(const ExactBenchOptions& options) {
  if (options.n < 2 || options.games < 1 || options.algorithms.empty()) {
    throw InvalidArgument(fmt::format("bench --exact: n = {}, games = {}. Violated constraint: n >= 2, games >= 1, "
                                      "at least one algorithm", options.n, options.games));
  }
  const double n = options.n;
  if (options.operator_layout) {
    RequireMemory(fmt::format("bench --exact --n {}", options.n),
                  OperatorBytes(n, options.operator_storage, *options.operator_layout) + 64 * n * 8.0);
  } else {
    RequireMemory(fmt::format("bench --exact --n {}", options.n), 6.0 * 8.0 * n * n);
  }
  std::vector<ExactBenchRow> rows;
  for (const std::string& name : options.algorithms) {
    const AlgorithmSpec& algorithm = FindAlgorithm(name);
    if (options.operator_layout && algorithm.needs_dense_payoff) {
      throw InvalidArgument(fmt::format("bench --exact --layout: {} needs the dense payoff matrix; the games are held "
                                        "only as operators (pdhg and omwu run on them)", algorithm.name));
    }
    rows.push_back({.algorithm = algorithm.name});
  }
  for (int g = 0; g < options.games; ++g) {
    const std::uint64_t seed = options.seed + g;
    const ZeroSumGame game =
        options.operator_layout
            ? ZeroSumGame::FromSkewOperator(std::make_shared<const SkewOperator>(
                  RandomSkewOperator(options.n, seed, options.operator_storage, *options.operator_layout)))
            : ZeroSumGame::FromPreferences(PreferenceGame(RandomPreferences(options.n, seed)));
    for (ExactBenchRow& row : rows) {
      if (options.progress) options.progress(fmt::format("{} on game {} of {}", row.algorithm, g + 1, options.games));
      SolveOptions solve;
      solve.gap_tolerance = options.gap_tolerance;
      solve.max_time_in_seconds = options.max_seconds_per_solve;
      solve.polish = true;  // as `nlhf solve` runs them (the LP solvers ignore it)
      if (options.progress) {
        // Large operator games take minutes: the iteration and gap every few seconds.
        auto last = std::chrono::steady_clock::now();
        solve.callback = [&, g, last](const TraceRecord& record) mutable {
          if (Seconds(last) < 2) return true;
          last = std::chrono::steady_clock::now();
          options.progress(fmt::format("{} on game {} of {}: iteration {}, gap {:.3g}", row.algorithm, g + 1,
                                       options.games, record.iteration, record.duality_gap));
          return true;
        };
      }
      const auto start = std::chrono::steady_clock::now();
      const SolveResult result = SolveWith(row.algorithm, game, solve);
      row.seconds.push_back(Seconds(start));
      row.iterations.push_back(result.iterations);
      // Recomputed here from the answer, not taken from the solver's own report.
      const double gap = DualityGap(game, result.policy);
      row.gaps.push_back(gap);
      row.certified += gap <= options.gap_tolerance ? 1 : 0;
    }
  }
  return rows;
}

double PeakResidentBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports kilobytes
}

BenchResult RunBench(const BenchOptions& options) {
  if (options.n < 2 || options.iterations < 1 || options.batch < 1 || options.repeats < 1) {
    throw InvalidArgument(fmt::format("bench: n = {}, iters = {}, batch = {}, repeat = {}. Violated constraint: "
                                      "n >= 2, iters >= 1, batch >= 1, repeat >= 1", options.n, options.iterations,
                                      options.batch, options.repeats));
  }
  // The games' matrices (dense or packed, f64 or f32) plus a few vectors each.
  const double n = options.n;
  RequireMemory(fmt::format("bench --batch {} --n {}", options.batch, options.n),
                options.batch * (OperatorBytes(n, options.storage, options.layout) + 16 * n * 8.0));
  std::vector<SkewOperator> operators;
  operators.reserve(options.batch);
  for (int b = 0; b < options.batch; ++b) {
    operators.push_back(RandomSkewOperator(options.n, options.seed + b, options.storage, options.layout));
  }
  BenchResult result;
  result.read_bandwidth_gb_per_second = MeasureReadBandwidth();
  const Eigen::VectorXd uniform = UniformLogPolicy(options.n);
  std::vector<double> gaps(options.batch), run_seconds;
  for (int run = 0; run < options.repeats; ++run) {
    const auto start = std::chrono::steady_clock::now();
    // One game: its product may use every thread. Many: one game per thread at a time.
#pragma omp parallel for schedule(dynamic) if (options.batch > 1)
    for (int b = 0; b < options.batch; ++b) {
      const std::unique_ptr<FusedOmwu> omwu = FusedOmwu::Create(operators[b], 1.0, uniform);
      // As the solve loop runs them between its checks (no tolerance to stop at here).
      omwu->StepWhileAbove(options.iterations, -std::numeric_limits<double>::infinity());
      gaps[b] = omwu->gap();
    }
    run_seconds.push_back(Seconds(start));
  }
  result.seconds = Median(run_seconds);
  const double iterations = static_cast<double>(options.iterations) * options.batch;
  result.microseconds_per_iteration = 1e6 * result.seconds / iterations;
  result.fastest_microseconds_per_iteration = 1e6 * *std::min_element(run_seconds.begin(), run_seconds.end()) / iterations;
  result.slowest_microseconds_per_iteration = 1e6 * *std::max_element(run_seconds.begin(), run_seconds.end()) / iterations;
  result.bytes_per_iteration = static_cast<double>(operators[0].bytes());
  result.effective_gb_per_second = result.bytes_per_iteration * iterations / result.seconds / 1e9;
  result.floor_microseconds = result.bytes_per_iteration / (result.read_bandwidth_gb_per_second * 1e3);
  result.ratio_to_floor = result.microseconds_per_iteration / result.floor_microseconds;
  result.final_gap = gaps[0];
  return result;
}

}  // namespace nlhf
