#include "batch_parts.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"

namespace nlhf::cli {
namespace {

namespace fs = std::filesystem;

std::string InFolder(const std::string& folder, const std::string& name) { return (fs::path(folder) / name).string(); }

// A manifest field of the expected type, or a ParseError naming the file and the field.
template <typename T>
T Field(const nlohmann::json& json, const char* key, const std::string& path) {
  if (!json.contains(key)) throw ParseError(fmt::format("{}: no \"{}\"", path, key));
  try {
    return json.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ParseError(fmt::format("{}: \"{}\" is {}, not the expected type", path, key, json.at(key).dump()));
  }
}

// `consume` called on the file's bytes, a chunk at a time (never an empty one).
void ForEachChunk(const std::string& path, const std::function<void(std::string_view)>& consume) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument(fmt::format("cannot open '{}'", path));
  std::string buffer(1 << 20, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got > 0) consume(std::string_view(buffer.data(), got));
  }
  if (in.bad()) throw InvalidArgument(fmt::format("cannot read '{}'", path));
}

PartsManifest ReadManifest(const std::string& folder) {
  const std::string path = InFolder(folder, kManifestName);
  if (!fs::exists(path)) {
    throw ParseError(fmt::format("{}: no {}: the batch that writes this folder did not finish (its manifest is "
                                 "written last, once every part is in place)",
                                 folder, kManifestName));
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(ReadWholeFile(path));
  } catch (const nlohmann::json::parse_error& error) {
    throw ParseError(fmt::format("{}: not JSON (byte {}): {}", path, error.byte, error.what()));
  }
  if (!json.is_object() || Field<std::string>(json, "format", path) != "nlhf batch parts") {
    throw ParseError(fmt::format("{}: not an nlhf batch manifest (\"format\": \"nlhf batch parts\")", path));
  }
  PartsManifest manifest;
  manifest.file = Field<std::string>(json, "file", path);
  manifest.games = Field<std::uint64_t>(json, "games", path);
  manifest.certified = Field<std::uint64_t>(json, "certified", path);
  manifest.gap_tolerance = Field<double>(json, "gap_tolerance", path);
  manifest.part_games = Field<std::vector<std::uint64_t>>(json, "part_games", path);
  std::uint64_t sum = 0;
  for (const std::uint64_t games : manifest.part_games) sum += games;
  if (manifest.part_games.empty() || sum != manifest.games) {
    throw ParseError(fmt::format("{}: {} parts holding {} games in all; \"games\" says {}", path,
                                 manifest.part_games.size(), sum, manifest.games));
  }
  return manifest;
}

}  // namespace

std::string PartName(int rank, int parts) { return fmt::format("part-{:05d}-of-{:05d}.jsonl", rank, parts); }

void PrepareOutputFolder(const std::string& folder) {
  CheckOutputFolder("--out-dir", folder);
  CreateOutputDirectory(folder);
  std::error_code error;
  fs::remove(InFolder(folder, kManifestName), error);
  if (error) {
    throw InvalidArgument(fmt::format("--out-dir {}: cannot remove the earlier run's {}: {}", folder, kManifestName,
                                      error.message()));
  }
}

void WritePart(const std::string& folder, int rank, int parts, std::string_view text) {
  WriteFileAtomically(InFolder(folder, PartName(rank, parts)), text);
}

void WriteManifest(const std::string& folder, const PartsManifest& manifest) {
  const nlohmann::json json = {{"format", "nlhf batch parts"},  {"file", manifest.file},
                               {"games", manifest.games},       {"certified", manifest.certified},
                               {"gap_tolerance", manifest.gap_tolerance}, {"part_games", manifest.part_games}};
  WriteFileAtomically(InFolder(folder, kManifestName), json.dump(1) + "\n");
}

void SetupMerge(CLI::App& command, MergeArgs& args) {
  command.add_option("DIR", args.folder, "A folder written by 'nlhf batch FILE --out-dir DIR' (alone or under mpirun)")
      ->required();
  command.add_option("--out,-o", args.out,
                     "Write the joined JSON lines here (atomically) instead of stdout: the bytes 'nlhf batch FILE "
                     "--out' writes");
}

int RunMerge(const MergeArgs& args) {
  const PartsManifest manifest = ReadManifest(args.folder);
  if (!args.out.empty()) CheckOutputFile("--out", args.out);
  const int parts = static_cast<int>(manifest.part_games.size());
  // Every part checked before the first byte is written (a missing or short part fails the merge whole),
  // then copied; both passes stream, so parts larger than memory merge.
  std::vector<std::string> paths;
  for (int rank = 0; rank < parts; ++rank) {
    const std::string path = InFolder(args.folder, PartName(rank, parts));
    if (!fs::exists(path)) throw ParseError(fmt::format("{}: missing ({} names {} parts)", path, kManifestName, parts));
    std::uint64_t lines = 0;
    char last = '\n';
    ForEachChunk(path, [&](std::string_view chunk) {
      lines += static_cast<std::uint64_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      last = chunk.back();
    });
    const std::uint64_t expected = manifest.part_games[static_cast<size_t>(rank)];
    if (lines != expected || last != '\n') {
      throw ParseError(fmt::format("{}: {} complete lines; {} says this part holds {} games", path, lines,
                                   kManifestName, expected));
    }
    paths.push_back(path);
  }
  std::optional<AtomicFileWriter> file;
  if (!args.out.empty()) file.emplace(args.out);
  for (const std::string& path : paths) {
    ForEachChunk(path, [&](std::string_view chunk) {
      if (file) {
        file->Write(chunk);
      } else {
        std::cout << chunk;
      }
    });
  }
  if (file) file->Commit();
  std::cout << std::flush;
  std::cerr << fmt::format("nlhf: {} games from {} part{} of {}, {} certified to gap <= {:g}\n", manifest.games, parts,
                           parts == 1 ? "" : "s", manifest.file, manifest.certified, manifest.gap_tolerance);
  return 0;
}

}  // namespace nlhf::cli
