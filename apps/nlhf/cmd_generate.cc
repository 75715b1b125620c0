// nlhf generate KIND: a seeded test game, written as a matrix file that `nlhf solve` reads.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "nlhf/generators.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/resources.h"

namespace nlhf::cli {

void SetupGenerate(CLI::App& command, GenerateArgs& args) {
  command.add_option("KIND", args.kind, "Game family:\n" + DescribeGeneratorKinds())
      ->required()
      ->check(CLI::IsMember(GeneratorKinds()));
  AddPositive(command, "--n", args.n, "Number of responses (random, planted, transitive)");
  command.add_option("--delta", args.delta, "Parameter δ of hard2x2, in (0, 0.5)")->capture_default_str();
  command.add_option("--out,-o", args.out,
                     "Output file; the extension picks the format (.json, .npy, else text). Default: text on stdout");
  AddPositive(command, "--count", args.count,
                     "Generate this many games (seeds seed, seed+1, ...) for 'nlhf batch': JSON Lines (--out *.jsonl) "
                     "or one (count, n, n) float64 array (--out *.npy)");
  AddCommonFlags(command, args.common, true);
}

namespace {

GeneratedGame GenerateBatchGame(const GenerateArgs& args, int k) {
  const std::uint64_t seed = args.common.seed + static_cast<std::uint64_t>(k);
  GeneratedGame game = Generate({.kind = args.kind, .n = args.n, .seed = seed, .delta = args.delta});
  if (game.is_payoff) throw InvalidArgument(fmt::format("{} is a payoff game; batches hold preference matrices", args.kind));
  return game;
}

// Streamed as JSON Lines are; the games' contexts are their indices (`nlhf batch` numbers them).
int WriteNpyBatch(const GenerateArgs& args) {
  AtomicFileWriter out(args.out);
  for (int k = 0; k < args.count; ++k) {
    const GeneratedGame game = GenerateBatchGame(args, k);
    if (k == 0) {
      const auto n = static_cast<std::size_t>(game.matrix.rows());
      RequireDiskSpace(fmt::format("generate --count {}", args.count), args.out,
                       8.0 * static_cast<double>(n * n) * args.count);
      out.Write(FormatNpyBatchHeader(static_cast<std::size_t>(args.count), n));
    }
    out.Write(FormatNpyBatchGame(game.matrix));
  }
  out.Commit();
  std::cerr << fmt::format("nlhf: wrote {} game{} to {}\n", args.count, args.count == 1 ? "" : "s", args.out);
  return 0;
}

int WriteJsonLines(const GenerateArgs& args) {
  if (!args.out.ends_with(".jsonl") && !args.out.ends_with(".ndjson")) {
    throw InvalidArgument(fmt::format("--count {} writes a batch: give --out FILE.jsonl or FILE.npy", args.count));
  }
  // Streamed: --count 1000000000 needs the disk it fills, not the memory.
  AtomicFileWriter out(args.out);
  for (int k = 0; k < args.count; ++k) {
    const GeneratedGame game = GenerateBatchGame(args, k);
    nlohmann::json line;
    line["context"] = fmt::format("{} seed {}", args.kind, args.common.seed + static_cast<std::uint64_t>(k));
    nlohmann::json rows = nlohmann::json::array();
    for (Eigen::Index i = 0; i < game.matrix.rows(); ++i) {
      rows.push_back(std::vector<double>(game.matrix.row(i).begin(), game.matrix.row(i).end()));
    }
    line["preferences"] = rows;
    const std::string text = line.dump() + "\n";
    if (k == 0) {
      RequireDiskSpace(fmt::format("generate --count {}", args.count), args.out,
                       static_cast<double>(text.size()) * args.count);
    }
    out.Write(text);
  }
  out.Commit();
  std::cerr << fmt::format("nlhf: wrote {} game{} to {}\n", args.count, args.count == 1 ? "" : "s", args.out);
  return 0;
}

}  // namespace

int RunGenerate(const GenerateArgs& args) {
  if (!args.out.empty()) CheckOutputFile("--out", args.out);
  // A .jsonl file is a batch, of one game too (not a text matrix under a .jsonl name).
  if (args.count > 1 && args.out.ends_with(".npy")) return WriteNpyBatch(args);
  if (args.count > 1 || args.out.ends_with(".jsonl") || args.out.ends_with(".ndjson")) return WriteJsonLines(args);
  const GeneratedGame game =
      Generate({.kind = args.kind, .n = args.n, .seed = args.common.seed, .delta = args.delta});
  MatrixFile file;
  file.values = game.matrix;
  file.is_payoff = game.is_payoff;
  file.row_names = game.names;
  file.nash_equilibrium = game.nash_equilibrium;
  if (args.out.empty()) {
    std::cout << FormatTextMatrix(file);
  } else {
    WriteMatrixFile(args.out, file);
  }
  if (args.common.json) {
    nlohmann::json out;
    out["kind"] = args.kind;
    out["description"] = game.description;
    out["is_payoff"] = game.is_payoff;
    out["rows"] = game.matrix.rows();
    out["columns"] = game.matrix.cols();
    out["out"] = args.out;
    if (game.nash_equilibrium) out["nash_equilibrium"] = ToJson(*game.nash_equilibrium);
    // stdout already holds the matrix when no --out was given; keep stdout one document.
    (args.out.empty() ? std::cerr : std::cout) << out.dump(1) << std::endl;
  } else if (!args.out.empty()) {
    std::cerr << fmt::format("nlhf: wrote {} ({}){}\n", args.out, game.description,
                             game.is_payoff ? "; a payoff matrix: solve it with --payoff" : "");
  }
  return 0;
}

}  // namespace nlhf::cli
