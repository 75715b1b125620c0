// `nlhf batch FILE --out-dir DIR`: the answers as one file per rank (each rank writes its own, no rank
// gathers the others'), and `nlhf merge DIR`, which joins them into what `--out` writes, byte for byte
// (docs/scale-out.md). DIR holds part-RRRRR-of-KKKKK.jsonl per rank, each renamed into place whole, and
// manifest.json, written last by rank 0 once every part is in place: a directory without a manifest is
// a run that did not finish, and merge refuses it.
#ifndef NLHF_APPS_BATCH_PARTS_H_
#define NLHF_APPS_BATCH_PARTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "commands.h"

namespace nlhf::cli {

inline constexpr const char* kManifestName = "manifest.json";

// "part-00002-of-00004.jsonl"
std::string PartName(int rank, int parts);

// What manifest.json records: the input, the totals and each part's games in rank order.
struct PartsManifest {
  std::string file;
  std::uint64_t games = 0;
  std::uint64_t certified = 0;
  double gap_tolerance = 0;
  std::vector<std::uint64_t> part_games;
};

// Before a run: the folder made, and an earlier run's manifest removed (so that a run that fails leaves
// none). Throws InvalidArgument naming --out-dir.
void PrepareOutputFolder(const std::string& folder);
// Writes DIR/PartName(rank, parts) whole (a temporary file renamed into place).
void WritePart(const std::string& folder, int rank, int parts, std::string_view text);
void WriteManifest(const std::string& folder, const PartsManifest& manifest);

struct MergeArgs {
  std::string folder;
  std::string out;
};
void SetupMerge(CLI::App& command, MergeArgs& args);
// Checks the manifest and every part (present, as many lines as the manifest says) before writing
// anything; ParseError (exit 2) naming the file and the rule broken.
int RunMerge(const MergeArgs& args);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_BATCH_PARTS_H_
