#include "batch_across_ranks.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "batch_parts.h"
#include "cli_common.h"
#include "distributed/mpi_world.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/result_json.h"

namespace nlhf::cli {
namespace {

constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

// What a rank's share gives: its answers as text, or the error of its first failing game.
struct ShareOutcome {
  std::string text;  // one line per game (each ending in a newline), or --json's objects each after ",\n"
  std::uint64_t certified = 0;
  std::exception_ptr error;
  std::uint64_t failed_game = 0;  // within the share; 0 for an error that is no game's (bad options)
};

// `first_global` is the index in the whole file of the share's first game: --json's objects are joined by
// ",\n", so every object but the file's first is written after one, and the ranks' texts simply follow
// each other.
ShareOutcome SolveShare(BatchFile& games, const BatchSolveOptions& options, bool json, std::uint64_t first_global) {
  ShareOutcome out;
  const std::size_t count = games.size();
  std::vector<std::string> lines(count), contexts(count);
  std::vector<char> certified(count, 0);
  std::atomic<std::uint64_t> first_failure{kNone};
  try {
    SolveBatch(
        count,
        [&](std::size_t k) {
          try {
            BatchGame game = games.Take(k);
            contexts[k] = std::move(game.context);
            return PreferenceGame(std::move(game.preferences), std::move(game.responses), {}, {.path = game.where});
          } catch (...) {
            std::uint64_t seen = first_failure.load();
            while (k < seen && !first_failure.compare_exchange_weak(seen, k)) {
            }
            throw;
          }
        },
        options,
        [&](const BatchAnswer& answer) {
          certified[answer.index] = answer.result.converged() ? 1 : 0;
          const std::string choice = answer.choice ? answer.choice->Describe() : std::string();
          BatchAnswerLine(answer.game, answer.result, answer.choice ? &choice : nullptr, contexts[answer.index],
                          lines[answer.index]);
        });
  } catch (...) {
    out.error = std::current_exception();
    out.failed_game = first_failure == kNone ? 0 : first_failure.load();
    return out;
  }
  for (std::size_t k = 0; k < count; ++k) {
    out.certified += static_cast<std::uint64_t>(certified[k]);
    if (json) {
      out.text.append(first_global + k == 0 ? "" : ",\n").append(lines[k]);
    } else {
      out.text.append(lines[k]).push_back('\n');
    }
  }
  return out;
}

// --out-dir: each rank writes its own part (the folder was prepared by rank 0 before the agreement every
// rank has passed); once every rank has written, rank 0 writes the manifest. A rank that cannot write
// reports it (the first such rank), and no manifest is written.
void WriteParts(const distributed::MpiWorld& world, const BatchArgs& args, std::string_view text,
                std::uint64_t games, std::uint64_t total, std::uint64_t certified) {
  std::exception_ptr error;
  try {
    WritePart(args.out_dir, world.rank(), world.size(), text);
  } catch (...) {
    error = std::current_exception();
  }
  world.AgreeOnFirstError(error, 0);
  PartsManifest manifest{.file = args.file, .games = total, .certified = certified, .gap_tolerance = args.gap_tolerance};
  world.GatherInRankOrder(fmt::format("{}\n", games), [&](std::string_view count) {
    manifest.part_games.push_back(std::stoull(std::string(count)));
  });
  if (world.rank() != 0) return;
  WriteManifest(args.out_dir, manifest);
  std::cerr << fmt::format("nlhf: {} games, {} certified to gap <= {:g}, in {} parts in {}\n", total, certified,
                           args.gap_tolerance, world.size(), args.out_dir);
}

}  // namespace

int RunBatchAcrossRanks(const BatchArgs& args, const BatchSolveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  distributed::MpiWorld world;
  const int rank = world.rank(), size = world.size();
  // Every rank makes the same collective calls in the same order whatever fails on it: a failure is
  // carried to the agreement below, never thrown past a collective.
  std::exception_ptr error;
  std::uint64_t error_at = kNone;  // the failing game's index in the whole file
  std::optional<BatchFile> games;
  try {
    if (rank == 0 && !args.out.empty()) CheckOutputFile("--out", args.out);
    if (rank == 0 && !args.out_dir.empty()) PrepareOutputFolder(args.out_dir);
    games.emplace(args.file, BatchShare{.part = rank, .parts = size});
  } catch (...) {
    error = std::current_exception();
    error_at = 0;
  }
  const std::uint64_t lines_before = world.ExclusiveSum(games ? games->lines_in_share() : 0);
  const std::uint64_t games_before = world.ExclusiveSum(games ? games->size() : 0);
  const std::uint64_t total = world.Sum(games ? games->size() : 0);
  ShareOutcome share;
  if (!error && total == 0) {
    if (rank == 0) {
      error = std::make_exception_ptr(ParseError(fmt::format("{}: no games (one JSON object per line)", args.file)));
      error_at = 0;
    }
  } else if (!error) {
    games->NumberLinesAfter(lines_before);
    share = SolveShare(*games, options, args.common.json, games_before);
    if (share.error) {
      error = share.error;
      error_at = games_before + share.failed_game;
    }
  }
  // The first error in input order wins, whichever rank met it; one that every rank meets (a bad option,
  // a missing file) is rank 0's to report.
  world.AgreeOnFirstError(error, error_at);

  const std::uint64_t certified = world.Sum(share.certified);
  if (!args.out_dir.empty()) {
    WriteParts(world, args, share.text, games->size(), total, certified);
    return 0;
  }
  // Rank 0 writes everyone's answers in rank order, which is input order. A write error is kept while the
  // other ranks' texts are still received, so that none waits on a send that is never taken.
  std::optional<AtomicFileWriter> file;
  std::exception_ptr write_error;
  const auto write = [&](std::string_view text) {
    if (rank != 0 || write_error) return;
    try {
      if (file) {
        file->Write(text);
      } else {
        std::cout << text;
      }
    } catch (...) {
      write_error = std::current_exception();
    }
  };
  if (rank == 0) {
    try {
      if (!args.out.empty()) file.emplace(args.out);
    } catch (...) {
      write_error = std::current_exception();
    }
    if (args.common.json) {
      write(BatchJsonHead(args.file, total, certified, args.gap_tolerance));
    }
  }
  world.GatherInRankOrder(share.text, write);
  if (rank != 0) return 0;
  if (args.common.json) write("]}\n");
  if (write_error) std::rethrow_exception(write_error);
  if (file) file->Commit();
  std::cout << std::flush;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << fmt::format("nlhf: {} games, {} certified to gap <= {:g} ({:.2f}%), in {:.2f} s on {} ranks\n", total,
                           certified, args.gap_tolerance,
                           100.0 * static_cast<double>(certified) / static_cast<double>(total), seconds, size);
  return 0;
}

}  // namespace nlhf::cli
