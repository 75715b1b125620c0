#include "nlhf/io/atomic_file.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "nlhf/error.h"

namespace nlhf {

namespace {

namespace fs = std::filesystem;

// Writes, flushes and closes `file`; false with errno set on any failure (a full disk shows only at the
// flush or the close).
bool WriteAndClose(std::FILE* file, std::string_view contents, bool sync) {
  bool ok = std::fwrite(contents.data(), 1, contents.size(), file) == contents.size() && std::fflush(file) == 0;
  if (ok && sync) ok = ::fsync(::fileno(file)) == 0;
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (ok && !closed) return false;
  errno = write_errno;
  return ok;
}

// Throws unless a new file can be made in `folder` (for the output `path` of `flag`). Trying is the only
// sure test: access() says yes to root on a read-only file system.
void RequireNewFilesIn(const fs::path& folder, const std::string& flag, const std::string& path) {
  const fs::path probe = TemporaryPathBeside(folder / "nlhf", ".probe");
  const int descriptor = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (descriptor < 0) {
    throw InvalidArgument(fmt::format("{} '{}': cannot write in '{}': {}", flag, path, folder.string(),
                                      std::strerror(errno)));
  }
  ::close(descriptor);
  ::unlink(probe.c_str());
}

}  // namespace

fs::path ResolveOutputPath(const std::string& path) {
  fs::path resolved(path);
  // The kernel's own limit on links followed in one lookup (SYMLOOP_MAX is 40 on Linux).
  for (int links = 0; links < 40; ++links) {
    std::error_code error;
    if (!fs::is_symlink(fs::symlink_status(resolved, error)) || error) return resolved;
    const fs::path target = fs::read_symlink(resolved, error);
    if (error) return resolved;
    resolved = target.is_absolute() ? target : resolved.parent_path() / target;
  }
  throw InvalidArgument(fmt::format("cannot write '{}': too many levels of symbolic links", path));
}

bool IsSpecialFile(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  return !error && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status);
}

fs::path TemporaryPathBeside(const fs::path& target, std::string_view suffix) {
  const std::string prefix = fmt::format(".{}.tmp.", target.filename().string());
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code error;
  for (fs::directory_iterator entry(folder, error), end; !error && entry != end; entry.increment(error)) {
    const std::string name = entry->path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(suffix)) continue;
    const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    pid_t pid = 0;
    const auto [end_of_number, parse_error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (parse_error != std::errc() || end_of_number != digits.data() + digits.size() || pid <= 0) continue;
    if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {  // its writer no longer runs
      std::error_code ignored;
      fs::remove_all(entry->path(), ignored);
    }
  }
  return target.parent_path() / fmt::format("{}{}{}", prefix, ::getpid(), suffix);
}

void WriteFileAtomically(const std::string& path, std::string_view contents) {
  AtomicFileWriter file(path);
  file.Write(contents);
  file.Commit();
}

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path), target_(ResolveOutputPath(path)) {
  // A device, pipe or terminal (/dev/stdout, a FIFO, /dev/full) cannot be replaced by a rename (and must
  // not be: renaming over /dev/full would replace the device): it is written directly, errors checked.
  // Anything else goes to a temporary file beside the target, so that the rename stays in one file system.
  if (!IsSpecialFile(target_.string())) temporary_ = TemporaryPathBeside(target_);
  file_ = std::fopen((temporary_.empty() ? target_ : temporary_).c_str(), "wb");
  if (file_ == nullptr) throw InvalidArgument(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (file_ != nullptr && !temporary_.empty()) std::remove(temporary_.c_str());
}

void AtomicFileWriter::Write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw InvalidArgument(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  }
}

void AtomicFileWriter::StartWriteback() {
  if (temporary_.empty()) return;
  if (std::fflush(file_) != 0) throw InvalidArgument(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
#ifdef __linux__
  // Advice only: whatever it does not start, Commit's fsync still writes.
  sync_file_range(fileno(file_), 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
}

void AtomicFileWriter::Commit() {
  std::FILE* file = std::exchange(file_, nullptr);
  if (!WriteAndClose(file, "", /*sync=*/!temporary_.empty())) {
    const int write_errno = errno;
    if (!temporary_.empty()) std::remove(temporary_.c_str());
    throw InvalidArgument(fmt::format("cannot write '{}': {}", path_, std::strerror(write_errno)));
  }
  if (!temporary_.empty() && std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    const int rename_errno = errno;
    std::remove(temporary_.c_str());
    throw InvalidArgument(fmt::format("cannot write '{}': {}", path_, std::strerror(rename_errno)));
  }
}

void CheckOutputFile(const std::string& flag, const std::string& path) {
  const fs::path target = ResolveOutputPath(path);
  std::error_code error;
  if (fs::is_directory(target, error)) {
    throw InvalidArgument(fmt::format("{} '{}': it is a folder; name a file", flag, path));
  }
  if (IsSpecialFile(target.string())) {
    if (::access(target.c_str(), W_OK) != 0) {
      throw InvalidArgument(fmt::format("{} '{}': cannot write: {}", flag, path, std::strerror(errno)));
    }
    return;
  }
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  if (!fs::is_directory(folder, error)) {
    throw InvalidArgument(fmt::format("{} '{}': the folder '{}' does not exist", flag, path, folder.string()));
  }
  RequireNewFilesIn(folder, flag, path);
}

void CheckOutputFolder(const std::string& flag, const std::string& path) {
  const fs::path target = ResolveOutputPath(path);
  std::error_code error;
  fs::path existing = target;  // the nearest folder that exists: the new one is made below it
  while (!existing.empty() && !fs::exists(existing, error)) existing = existing.parent_path();
  if (existing.empty()) existing = ".";
  if (!fs::is_directory(existing, error)) {
    throw InvalidArgument(fmt::format("{} '{}': '{}' is a file, not a folder", flag, path, existing.string()));
  }
  RequireNewFilesIn(existing, flag, path);
}

void CreateOutputDirectory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) throw InvalidArgument(fmt::format("cannot create the directory '{}': {}", path, error.message()));
}

std::string ReadWholeFile(const std::string& path) {
  if (std::filesystem::is_directory(path)) {
    throw InvalidArgument(fmt::format("cannot read '{}': it is a directory", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  // A regular file is read in one call into a string of its size; through a string stream, 184 MB took
  // 2.1 s (the stream's buffer grown step by step, then copied). A pipe's size is not known: in chunks.
  std::string contents;
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    contents.resize(static_cast<size_t>(std::filesystem::file_size(path, error)));
    if (!error) {
      in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
      contents.resize(static_cast<size_t>(in.gcount()));  // the file may have shrunk meanwhile
      in.clear();
    } else {
      contents.clear();
    }
  }
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) contents.append(chunk, static_cast<size_t>(in.gcount()));
  return contents;
}

}  // namespace nlhf

namespace nlhf {

std::string ReadTextFile(const std::string& path) {
  std::string text = ReadWholeFile(path);
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  return text;
}

}  // namespace nlhf
