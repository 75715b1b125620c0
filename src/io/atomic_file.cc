#include "nlhf/io/atomic_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nlhf/error.h"

namespace nlhf {

namespace {

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

}  // namespace

void WriteFileAtomically(const std::string& path, std::string_view contents) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  // A device, pipe or terminal (/dev/stdout, a FIFO, /dev/full) cannot be replaced by a rename (and must
  // not be: renaming over /dev/full would replace the device): write to it directly, errors checked.
  std::error_code status_error;
  const fs::file_status status = fs::status(target, status_error);
  if (!status_error && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status)) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr || !WriteAndClose(file, contents, /*sync=*/false)) {
      throw InvalidArgument(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
    }
    return;
  }
  // The temporary file lives beside the target so that the rename stays within one file system.
  const fs::path temporary =
      target.parent_path() / fmt::format(".{}.tmp.{}", target.filename().string(), ::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw InvalidArgument(fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  }
  if (!WriteAndClose(file, contents, /*sync=*/true)) {
    const int write_errno = errno;
    std::remove(temporary.c_str());
    throw InvalidArgument(fmt::format("cannot write '{}': {}", path, std::strerror(write_errno)));
  }
  if (std::rename(temporary.c_str(), target.c_str()) != 0) {
    const int rename_errno = errno;
    std::remove(temporary.c_str());
    throw InvalidArgument(fmt::format("cannot write '{}': {}", path, std::strerror(rename_errno)));
  }
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
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace nlhf

namespace nlhf {

std::string ReadTextFile(const std::string& path) {
  std::string text = ReadWholeFile(path);
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  return text;
}

}  // namespace nlhf
