#include "nlhf/io/mapped_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"

namespace nlhf {

MappedFile::MappedFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InvalidArgument(fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  struct stat status {};
  if (fstat(fd, &status) != 0) {
    const int error = errno;
    close(fd);
    throw InvalidArgument(fmt::format("cannot open '{}': {}", path, std::strerror(error)));
  }
  if (!S_ISREG(status.st_mode)) {
    // Directories (refused there, with the same message as every reader), pipes and devices.
    close(fd);
    owned_ = ReadWholeFile(path);
    data_ = owned_.data();
    size_ = owned_.size();
    return;
  }
  size_ = static_cast<std::size_t>(status.st_size);
  if (size_ > 0) {
    // Every reader goes through the whole file: its pages are mapped in one call (MAP_POPULATE) rather than
    // by one fault each, which cost a tenth of a second per 100 MB on the virtual machines measured.
    void* mapped = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapped == MAP_FAILED) {
      const int error = errno;
      close(fd);
      throw InvalidArgument(fmt::format("cannot map '{}' into memory: {}", path, std::strerror(error)));
    }
    data_ = static_cast<const char*>(mapped);
    mapped_ = true;
  }
  close(fd);  // the mapping keeps the file
}

MappedFile::~MappedFile() {
  if (mapped_) munmap(const_cast<char*>(data_), size_);
}

}  // namespace nlhf
