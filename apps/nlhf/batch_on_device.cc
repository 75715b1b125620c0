#include "batch_on_device.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli_common.h"
#include "cuda/batch_omwu.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/result_json.h"
#include "nlhf/registry.h"

namespace nlhf::cli {
namespace {

// Where a game runs first: on the device (its place in its size's group) or not at all there.
struct DevicePlace {
  int group = -1;  // the game's n, or −1
  std::size_t index = 0;
};

// The games of one size that run on the device, and what it gave back.
struct DeviceGroup {
  std::vector<std::size_t> games;  // indices into the batch
  std::vector<double> payoff;      // their A, row-major, one after the other
  std::vector<double> step_sizes;
  cuda::BatchOmwuResult result;
};

}  // namespace

int RunBatchOnDevice(const BatchArgs& args, const BatchSolveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (!options.algorithm.empty() && options.algorithm != "omwu") {
    throw InvalidArgument(fmt::format("--device cuda runs omwu (the CUDA batch); --algo {} runs on the CPU: drop "
                                      "--device",
                                      options.algorithm));
  }
  std::string why;
  if (!cuda::DeviceAvailable(&why)) throw Unavailable(fmt::format("--device cuda: {}", why));
  if (!args.out.empty()) CheckOutputFile("--out", args.out);
  const AlgorithmSpec& omwu = FindAlgorithm("omwu");
  ResolveParameters(omwu, options.parameters);  // bad names and values fail before any work

  // Read and check every game (the first bad one in input order is the one reported), and gather the
  // device's share by size.
  BatchFile file(args.file);
  const std::size_t count = file.size();
  std::vector<ZeroSumGame> games;
  std::vector<std::string> contexts(count);
  std::vector<std::optional<AlgorithmChoice>> choices(count);
  std::vector<DevicePlace> places(count);
  std::map<int, DeviceGroup> groups;
  games.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    BatchGame game = file.Take(k);
    contexts[k] = std::move(game.context);
    games.push_back(ZeroSumGame::FromPreferences(
        PreferenceGame(std::move(game.preferences), std::move(game.responses), {}, {.path = game.where})));
    const ZeroSumGame& g = games.back();
    if (options.algorithm.empty()) choices[k] = DefaultAlgorithm(g, !options.parameters.empty());
    const std::string& name = options.algorithm.empty() ? choices[k]->name : options.algorithm;
    const int n = g.num_actions(0);
    if (name != "omwu" || !g.symmetric() || n > cuda::kMaxActions) continue;
    const ParameterValues values = ResolveParameters(omwu, ScaledDefaults(omwu, g, options.parameters));
    DeviceGroup& group = groups[n];
    places[k] = {n, group.games.size()};
    group.games.push_back(k);
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> a = g.payoff();
    group.payoff.insert(group.payoff.end(), a.data(), a.data() + a.size());
    group.step_sizes.push_back(omwu.fused_omwu_step_size(values));
  }
  double device_seconds = 0;
  std::size_t on_device = 0;
  for (auto& [n, group] : groups) {
    group.result = cuda::SolveBatchOmwu(group.payoff.data(), static_cast<int>(group.games.size()), n,
                                        {.step_sizes = group.step_sizes,
                                         .max_iterations = options.solve.max_iterations,
                                         .gap_tolerance = options.solve.gap_tolerance});
    device_seconds += group.result.kernel_seconds;
    on_device += group.games.size();
  }

  // Every game certified (and finished where the device stopped short) on the CPU, in parallel.
  std::vector<std::string> lines(count);
  std::vector<char> certified(count, 0);
  std::vector<std::exception_ptr> errors(count);
#pragma omp parallel for schedule(dynamic, 16)
  for (std::size_t k = 0; k < count; ++k) {
    try {
      SolveOptions solve = options.solve;
      std::int64_t device_iterations = 0;
      // A game whose device run stopped on a non-finite iterate starts again on the CPU, from the start.
      if (places[k].group > 0 && groups.at(places[k].group).result.finite[places[k].index]) {
        const DeviceGroup& group = groups.at(places[k].group);
        const int n = places[k].group;
        const std::size_t i = places[k].index;
        device_iterations = group.result.iterations[i];
        solve.initial.kind = InitialPolicy::Kind::kGiven;
        solve.initial.log_policy = {Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(group.result.log_policy.data() + i * n, n))};
        solve.max_iterations = std::max<std::int64_t>(0, solve.max_iterations - device_iterations);
      }
      const std::string name = options.algorithm.empty() ? choices[k]->name : options.algorithm;
      SolveResult result = SolveWith(name, games[k], solve, options.parameters);
      result.iterations += device_iterations;
      certified[k] = result.converged() ? 1 : 0;
      const std::string choice = choices[k] ? choices[k]->Describe() : std::string();
      BatchAnswerLine(games[k], result, choices[k] ? &choice : nullptr, contexts[k], lines[k]);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  std::size_t total_certified = 0;
  std::string output;
  for (std::size_t k = 0; k < count; ++k) {
    total_certified += static_cast<std::size_t>(certified[k]);
    if (args.common.json) {
      output.append(k == 0 ? "" : ",\n").append(lines[k]);
    } else {
      output.append(lines[k]).push_back('\n');
    }
  }
  if (args.common.json) {
    output = BatchJsonHead(args.file, count, total_certified, args.gap_tolerance) + output + "]}\n";
  }
  if (args.out.empty()) {
    std::cout << output << std::flush;
  } else {
    WriteFileAtomically(args.out, output);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("nlhf: {} games, {} certified to gap <= {:g} ({:.2f}%), in {:.2f} s; {} on {} ({:.3f} s "
                           "in its kernels)\n",
                           count, total_certified, args.gap_tolerance,
                           100.0 * static_cast<double>(total_certified) / static_cast<double>(std::max<std::size_t>(count, 1)),
                           seconds, on_device, cuda::DescribeDevice(), device_seconds);
  return 0;
}

}  // namespace nlhf::cli
