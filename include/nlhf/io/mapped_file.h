// A regular file's bytes memory-mapped read-only: large .npy matrices are parsed where they lie, with no copy into
// a string (a 1,000 × 1,000 float64 file was read through two copies before).
#ifndef NLHF_IO_MAPPED_FILE_H_
#define NLHF_IO_MAPPED_FILE_H_

#include <string>
#include <string_view>

namespace nlhf {

class MappedFile {
 public:
  // Throws InvalidArgument "cannot open 'x': ..." (missing, unreadable, a directory).
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {data_, size_}; }

 private:
  std::string owned_;  // a pipe or device cannot be mapped: its bytes are read here instead
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;
};

}  // namespace nlhf

#endif  // NLHF_IO_MAPPED_FILE_H_
