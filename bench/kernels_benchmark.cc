// Google Benchmark suite: the payoff product in every storage and layout, and one fused OMWU iteration.
#include <benchmark/benchmark.h>

#include "nlhf/experiments/bench.h"
#include "nlhf/solvers/fused_omwu.h"

namespace nlhf {
namespace {

void BM_Multiply(benchmark::State& state, Storage storage, Layout layout) {
  const int n = static_cast<int>(state.range(0));
  const SkewOperator op = RandomSkewOperator(n, 1, storage, layout);
  Eigen::VectorXd x = Eigen::VectorXd::Constant(n, 1.0 / n), y(n);
  for (auto _ : state) {
    op.Multiply(x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(op.bytes()));
}

void BM_FusedOmwuStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const SkewOperator op = RandomSkewOperator(n, 1, Storage::kF64, DefaultLayout(n));
  const std::unique_ptr<FusedOmwu> omwu = FusedOmwu::Create(op, 1.0, UniformLogPolicy(n));
  for (auto _ : state) {
    omwu->Step();
    benchmark::DoNotOptimize(omwu->gap());
  }
}

BENCHMARK_CAPTURE(BM_Multiply, dense_f64, Storage::kF64, Layout::kDense)->RangeMultiplier(10)->Range(10, 1000)->Arg(8192);
BENCHMARK_CAPTURE(BM_Multiply, dense_f32, Storage::kF32, Layout::kDense)->RangeMultiplier(10)->Range(10, 1000)->Arg(8192);
BENCHMARK_CAPTURE(BM_Multiply, packed_f64, Storage::kF64, Layout::kPacked)->RangeMultiplier(10)->Range(10, 1000)->Arg(8192);
BENCHMARK_CAPTURE(BM_Multiply, packed_f32, Storage::kF32, Layout::kPacked)->RangeMultiplier(10)->Range(10, 1000)->Arg(8192);
BENCHMARK(BM_FusedOmwuStep)->RangeMultiplier(10)->Range(10, 1000);

}  // namespace
}  // namespace nlhf

BENCHMARK_MAIN();
