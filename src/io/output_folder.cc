#include "nlhf/io/output_folder.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE (glibc >= 2.28)

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"

namespace nlhf {
namespace {

namespace fs = std::filesystem;

bool IsEmptyFolder(const fs::path& folder) {
  std::error_code error;
  return fs::directory_iterator(folder, error) == fs::directory_iterator() && !error;
}

// The files below `folder`, relative to it, sorted.
std::vector<std::string> ListFiles(const fs::path& folder) {
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), folder).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

OutputFolder::OutputFolder(std::string flag, const std::string& path, std::string earlier_run_marker)
    : flag_(std::move(flag)), path_(path) {
  if (path.empty()) throw InvalidArgument(fmt::format("{}: give a folder", flag_));
  target_ = fs::absolute(ResolveOutputPath(path)).lexically_normal();
  if (target_.has_filename() == false) target_ = target_.parent_path();  // "out/" names "out"
  std::error_code error;
  if (fs::exists(target_, error)) {
    if (!fs::is_directory(target_, error)) {
      throw InvalidArgument(fmt::format("{} '{}': it is a file; name a folder", flag_, path_));
    }
    const bool earlier_run = fs::is_regular_file(target_ / kManifestFile, error) ||
                             (!earlier_run_marker.empty() && fs::is_regular_file(target_ / earlier_run_marker, error));
    if (!earlier_run && !IsEmptyFolder(target_)) {
      throw InvalidArgument(fmt::format(
          "{} '{}': the folder holds files that are not an nlhf run (no {}); a run replaces its whole folder, so "
          "name a new or empty folder", flag_, path_, kManifestFile));
    }
  }
  // The staging folder and the swap need the parent folder writable (the message names the user's path).
  CheckOutputFolder(flag_, fs::exists(target_, error) ? target_.parent_path().string() : path_);
  fs::create_directories(target_.parent_path(), error);
  staging_ = TemporaryPathBeside(target_);  // also removes the staging folders of killed runs
  fs::create_directory(staging_, error);
  if (error) {
    throw InvalidArgument(fmt::format("{} '{}': cannot create a folder beside it: {}", flag_, path_, error.message()));
  }
}

OutputFolder::~OutputFolder() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void OutputFolder::Commit(const std::string& command) {
  nlohmann::json manifest;
  manifest["written_by"] = "nlhf";
  manifest["command"] = command;
  manifest["files"] = ListFiles(staging_);
  WriteFileAtomically((staging_ / kManifestFile).string(), manifest.dump(1) + "\n");

  std::error_code error;
  if (!fs::exists(target_, error)) {
    if (std::rename(staging_.c_str(), target_.c_str()) != 0) {
      throw InvalidArgument(fmt::format("{} '{}': cannot put the folder in place: {}", flag_, path_, std::strerror(errno)));
    }
    committed_ = true;
    return;
  }
  // One atomic exchange: the target holds the old run or the new one at every instant.
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      throw InvalidArgument(fmt::format("{} '{}': cannot put the folder in place: {}", flag_, path_, std::strerror(errno)));
    }
    // A file system without RENAME_EXCHANGE: move the old run aside, then the new one in (a kill between
    // the two leaves the old run whole beside the target, under the staging folder's name + ".old").
    const fs::path aside = staging_.string() + ".old";
    fs::rename(target_, aside, error);
    if (!error) fs::rename(staging_, target_, error);
    if (error) {
      throw InvalidArgument(fmt::format("{} '{}': cannot put the folder in place: {}", flag_, path_, error.message()));
    }
    fs::remove_all(aside, error);
    committed_ = true;
    return;
  }
  committed_ = true;
  fs::remove_all(staging_, error);  // now the previous run
}

}  // namespace nlhf
