// nlhf batch FILE: many games solved in parallel (OpenMP over games), one JSON line per game, each with
// its own certificate (with --json, one JSON object holding them all in "results"); under mpirun, split
// over the ranks (batch_across_ranks.h).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "batch_across_ranks.h"
#include "batch_on_device.h"
#include "batch_parts.h"
#include "commands.h"
#include "distributed/mpi_world.h"
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
  CLI::Option* out = command.add_option("--out,-o", args.out,
                     "Write the JSON lines here (atomically) instead of stdout. Under mpirun -np K the ranks split the "
                     "file and rank 0 writes every answer, in input order (docs/scale-out.md)");
  CLI::Option* out_dir = command.add_option(
      "--out-dir", args.out_dir,
      "Write the JSON lines as one file per rank into this folder (part-RRRRR-of-KKKKK.jsonl, each rank its own "
      "share, none gathered), then manifest.json once all are in place; 'nlhf merge DIR' joins them into what "
      "--out writes");
  out_dir->excludes(out);
  command.add_option("--device", args.device,
                     "cpu, or cuda: OMWU on the GPU for games of at most 16 responses (one kernel for the whole "
                     "batch), each answer then certified on the CPU from the GPU's last iterate, which also "
                     "finishes any game the GPU left above the tolerance (a CUDA build: docs/gpu.md)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  AddCommonFlags(command, args.common, false);
  out_dir->excludes(command.get_option("--json"));
  command.get_option("--json")->description(
      "Print exactly one JSON object (file, games, certified, gap_tolerance, results: one object per game) "
      "instead of one JSON line per game");
}

namespace {

// Games are solved in blocks whose lines (BatchAnswerLine, nlhf/io/result_json.h) are handed on before
// the next block starts, so that the line buffers are reused: holding all 100,000 answers of a batch (51 MB
// of lines, then copied into one more string) cost more in fresh memory, on a machine where touching a new
// page costs ~10 µs, than solving the games at 200 iterations each. Large enough that the wait for a
// block's last game is negligible.
constexpr std::size_t kBlockGames = 8192;

}  // namespace

int RunBatch(const BatchArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  BatchSolveOptions options;
  options.algorithm = args.algorithm;
  if (args.step_size) options.parameters["eta"] = *args.step_size;
  options.solve.max_iterations = args.max_iterations;
  options.solve.gap_tolerance = args.gap_tolerance;
  options.solve.polish = args.polish;
  // Started by mpirun as one of several ranks: the ranks split the file (docs/scale-out.md).
  if (args.device == "cuda") {
    if (distributed::LaunchedWorldSize() > 1) throw InvalidArgument("--device cuda runs as one process, not under mpirun");
    if (!args.out_dir.empty()) throw InvalidArgument("--device cuda writes one --out file, not --out-dir parts");
    return RunBatchOnDevice(args, options);
  }
  if (distributed::LaunchedWorldSize() > 1) return RunBatchAcrossRanks(args, options);
  // --out-dir alone: the one part of a one-rank run, and its manifest after it.
  const std::string out =
      args.out_dir.empty() ? args.out : (std::filesystem::path(args.out_dir) / PartName(0, 1)).string();
  if (!args.out_dir.empty()) PrepareOutputFolder(args.out_dir);
  if (!out.empty()) CheckOutputFile("--out", out);
  BatchFile games(args.file);
  // JSON lines to a file are written block by block into its temporary file; the --json object (whose
  // head holds the count of certified games) and standard output (where a failing game must leave nothing
  // printed) are assembled whole first.
  const bool stream_to_file = !out.empty() && !args.common.json;
  std::optional<AtomicFileWriter> file;
  if (stream_to_file) file.emplace(out);
  // A file's lines are written by a second thread while the next block is solved (the solving threads
  // would otherwise wait for the copy and the write of each block: 10–13% of a batch's time at 200
  // iterations per game), so the lines come in two sets, one being solved into while the other is written.
  std::string output, block_text;  // block_text: the writing thread's
  std::vector<std::string> lines[2];
  lines[0].resize(std::min(kBlockGames, games.size()));
  if (stream_to_file) lines[1].resize(lines[0].size());
  std::future<void> writing;  // the block being written, if any
  std::vector<std::string> contexts(lines[0].size());
  std::vector<char> certified(lines[0].size(), 0);
  std::size_t count = 0;
  for (std::size_t first = 0, b = 0; first < games.size(); first += kBlockGames, ++b) {
    const std::size_t block = std::min(kBlockGames, games.size() - first);
    std::vector<std::string>& block_lines = lines[stream_to_file ? b % 2 : 0];
    SolveBatch(
        block,
        [&](std::size_t k) {
          BatchGame game = games.Take(first + k);
          contexts[k] = std::move(game.context);
          return PreferenceGame(std::move(game.preferences), std::move(game.responses), {}, {.path = game.where});
        },
        options,
        [&](const BatchAnswer& answer) {
          certified[answer.index] = answer.result.converged() ? 1 : 0;
          const std::string choice = answer.choice ? answer.choice->Describe() : std::string();
          std::string& line = block_lines[answer.index];
          BatchAnswerLine(answer.game, answer.result, answer.choice ? &choice : nullptr, contexts[answer.index], line);
          if (stream_to_file) line.push_back('\n');
        });
    for (std::size_t k = 0; k < block; ++k) count += certified[k];
    if (stream_to_file) {
      if (writing.valid()) writing.get();  // the block before, whose lines the next block reuses; its error, if any
      writing = std::async(std::launch::async, [&file, &block_text, &block_lines, block] {
        // Gathered into one text per block: one write per block instead of one per line.
        block_text.clear();
        for (std::size_t k = 0; k < block; ++k) block_text += block_lines[k];
        file->Write(block_text);
        file->StartWriteback();
      });
      continue;
    }
    for (std::size_t k = 0; k < block; ++k) {
      if (args.common.json) {
        output.append(first + k == 0 ? "" : ",\n").append(block_lines[k]);
      } else {
        output.append(block_lines[k]).push_back('\n');
      }
    }
  }
  if (writing.valid()) writing.get();
  if (file) {
    file->Commit();
  } else {
    if (args.common.json) {
      // One JSON object, as --json promises everywhere: the per-game objects become its "results" array.
      output = BatchJsonHead(args.file, games.size(), count, args.gap_tolerance) + output + "]}\n";
    }
    if (out.empty()) {
      std::cout << output << std::flush;
    } else {
      WriteFileAtomically(out, output);
    }
  }
  if (!args.out_dir.empty()) {
    WriteManifest(args.out_dir, {.file = args.file,
                                 .games = games.size(),
                                 .certified = count,
                                 .gap_tolerance = args.gap_tolerance,
                                 .part_games = {games.size()}});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("nlhf: {} games, {} certified to gap <= {:g} ({:.2f}%), in {:.2f} s\n", games.size(), count,
                           args.gap_tolerance, 100.0 * static_cast<double>(count) / static_cast<double>(games.size()),
                           seconds);
  return 0;
}

}  // namespace nlhf::cli
