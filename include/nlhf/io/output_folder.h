// A folder of results written as a unit (`compare --out`, `reproduce --out`). The files go into a hidden
// staging folder beside the target; Commit() writes the manifest last and swaps the staging folder into
// place in one step (renameat2 with RENAME_EXCHANGE), then removes the previous run. A run killed at any
// point leaves either the previous complete folder or the new complete one, never a mix; the staging folder
// it leaves is removed by the next run into the same place. docs/cli.md ("Output folders") says this to
// users.
#ifndef NLHF_IO_OUTPUT_FOLDER_H_
#define NLHF_IO_OUTPUT_FOLDER_H_

#include <filesystem>
#include <string>

namespace nlhf {

// The file that marks a folder as one whole nlhf run: what wrote it and the files it holds.
inline constexpr const char* kManifestFile = "manifest.json";

class OutputFolder {
 public:
  // Checks the target before any work and makes the staging folder. An existing target is replaced only
  // when it is empty, holds an nlhf manifest, or holds `earlier_run_marker` (the file every run of this
  // kind wrote before manifests existed); anything else is refused (InvalidArgument naming `flag`), so
  // that `--out ~` cannot replace a home folder.
  OutputFolder(std::string flag, const std::string& path, std::string earlier_run_marker);
  // Removes the staging folder unless committed (an exception left the run unfinished).
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // Where this run's file `relative` is written (inside the staging folder until Commit).
  std::string Path(const std::string& relative) const { return (staging_ / relative).string(); }

  // Writes the manifest (with `command`, the command line or a description) and puts the folder in place.
  void Commit(const std::string& command);

 private:
  std::string flag_;
  std::string path_;              // as the user gave it, for messages
  std::filesystem::path target_;  // links followed
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace nlhf

#endif  // NLHF_IO_OUTPUT_FOLDER_H_
