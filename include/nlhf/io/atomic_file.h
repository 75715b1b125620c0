// Output files are never half-written: contents go to a temporary file beside the target, which is
// flushed and then renamed over it (rename is atomic within a file system).
#ifndef NLHF_IO_ATOMIC_FILE_H_
#define NLHF_IO_ATOMIC_FILE_H_

#include <string>
#include <string_view>

namespace nlhf {

// Throws InvalidArgument naming the path and the system's reason when it cannot be written.
void WriteFileAtomically(const std::string& path, std::string_view contents);

// Creates `path` and its parents if missing; throws InvalidArgument naming the path and the system's
// reason (a file in the way, no permission) rather than a raw filesystem_error.
void CreateOutputDirectory(const std::string& path);

// The whole file; throws InvalidArgument "cannot open 'x': No such file or directory".
std::string ReadWholeFile(const std::string& path);

// The file as text: ReadWholeFile without a leading UTF-8 byte-order mark (spreadsheet exports add one).
std::string ReadTextFile(const std::string& path);

}  // namespace nlhf

#endif  // NLHF_IO_ATOMIC_FILE_H_
