// nlhf batch FILE: many games solved in parallel (OpenMP over games), one JSON line per game, each with
// its own certificate (with --json, one JSON object holding them all in "results").
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "commands.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/batch_solve.h"

namespace nlhf::cli {

void SetupBatch(CLI::App& command, BatchArgs& args) {
  command.add_option("FILE", args.file, "Games: .jsonl (one JSON game per line), .npy (a (games, n, n) array) or EGPO text ('runs n beta', "
                     "'Run i' blocks)")
      ->required();
  command.add_option("--algo,-a", args.algorithm,
                     "Solver (see 'nlhf algorithms'); default: chosen by each game's size as 'nlhf solve' does "
                     "(OMWU below 200 actions; OMWU whenever --eta is given), said in each line's algorithm_choice");
  command.add_option("--eta", args.step_size, "Step size η (default: the method's)");
  AddDeprecatedAlias(command, "--step-size", "--eta", args.step_size);
  AddNonNegative(command, "--iters", args.max_iterations, "Maximum iterations per game");
  AddNonNegative(command, "--tol", args.gap_tolerance, "Stop a game when its duality gap is <= this");
  command.add_flag("--polish,!--no-polish", args.polish, "Finish on the settled support when that certifies (default on)");
  command.add_option("--out,-o", args.out, "Write the JSON lines here (atomically) instead of stdout");
  AddCommonFlags(command, args.common, false);
  command.get_option("--json")->description(
      "Print exactly one JSON object (file, games, certified, gap_tolerance, results: one object per game) "
      "instead of one JSON line per game");
}

namespace {

// `line.dump()`, written into one buffer per thread that keeps its size, then copied once at its exact length:
// dump() grows a fresh string from empty, five reallocations for a typical answer, which cost more than
// solving a small game (a quarter of a 100,000-game batch at 200 iterations). The serializer is the one
// dump() itself runs (nlohmann/json.hpp, basic_json::dump), so the bytes are the same.
std::string DumpLine(const nlohmann::json& line) {
  static thread_local std::string buffer;
  buffer.clear();
  nlohmann::detail::serializer<nlohmann::json> serializer(nlohmann::detail::output_adapter<char, std::string>(buffer),
                                                          ' ');
  serializer.dump(line, false, false, 0);
  return buffer;
}

}  // namespace

int RunBatch(const BatchArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  if (!args.out.empty()) CheckOutputFile("--out", args.out);
  BatchFile games(args.file);
  BatchSolveOptions options;
  options.algorithm = args.algorithm;
  if (args.step_size) options.parameters["eta"] = *args.step_size;
  options.solve.max_iterations = args.max_iterations;
  options.solve.gap_tolerance = args.gap_tolerance;
  options.solve.polish = args.polish;
  std::vector<std::string> lines(games.size());
  std::vector<std::string> contexts(games.size());
  std::vector<char> certified(games.size(), 0);
  SolveBatch(
      games.size(),
      [&](size_t k) {
        BatchGame game = games.Take(k);
        contexts[k] = std::move(game.context);
        return PreferenceGame(std::move(game.preferences), std::move(game.responses), {}, {.path = game.where});
      },
      options,
      [&](const BatchAnswer& answer) {
        certified[answer.index] = answer.result.converged() ? 1 : 0;
        nlohmann::json line = SolveResultJson(answer.game, answer.result);
        if (answer.choice) line["algorithm_choice"] = answer.choice->Describe();
        line["context"] = contexts[answer.index];
        lines[answer.index] = DumpLine(line);
      });
  size_t count = 0;
  for (char c : certified) count += c;
  // Sized once: appending 100,000 lines to a growing string copied it again and again.
  size_t total_size = 256;
  for (const std::string& line : lines) total_size += line.size() + 2;
  std::string output;
  output.reserve(total_size);
  if (args.common.json) {
    // One JSON object, as --json promises everywhere: the per-game objects become its "results" array.
    output += fmt::format("{{\"file\":{},\"games\":{},\"certified\":{},\"gap_tolerance\":{},\"results\":[",
                         nlohmann::json(args.file).dump(), games.size(), count, nlohmann::json(args.gap_tolerance).dump());
    for (size_t k = 0; k < lines.size(); ++k) output.append(k == 0 ? "" : ",\n").append(lines[k]);
    output += "]}\n";
  } else {
    for (const std::string& line : lines) output.append(line).push_back('\n');
  }
  if (args.out.empty()) {
    std::cout << output << std::flush;
  } else {
    WriteFileAtomically(args.out, output);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("nlhf: {} games, {} certified to gap <= {:g} ({:.2f}%), in {:.2f} s\n", games.size(), count,
                           args.gap_tolerance, 100.0 * static_cast<double>(count) / static_cast<double>(games.size()),
                           seconds);
  return 0;
}

}  // namespace nlhf::cli
