// Output files are never half-written: contents go to a temporary file beside the target, which is
// flushed and then renamed over it (rename is atomic within a file system). What the user named is never
// replaced by something else: a symbolic link is followed (its target is written, the link kept), and a
// device, pipe or terminal (/dev/null, /dev/stdout, a FIFO) is written through, never renamed over.
// Temporary files that a killed run left beside a target are removed by the next write into that place.
#ifndef NLHF_IO_ATOMIC_FILE_H_
#define NLHF_IO_ATOMIC_FILE_H_

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace nlhf {

// Throws InvalidArgument naming the path and the system's reason when it cannot be written.
void WriteFileAtomically(const std::string& path, std::string_view contents);

// An output written in pieces, for outputs too large to hold in memory (generate --count): the same
// guarantees as WriteFileAtomically (the target appears whole or not at all). Destroyed without Commit
// (an exception on the way), it removes its temporary file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void Write(std::string_view text);  // InvalidArgument naming the path on a write error
  // Hands what was written so far to the system and asks it to start writing it to the device, without
  // waiting: the sync in Commit then waits only for the rest (nlhf batch calls it after each block of lines,
  // where the final sync of 51 MB had cost ~50 ms at the end of a run). Nothing for a device or pipe.
  void StartWriteback();
  void Commit();  // flushes, syncs and renames into place

 private:
  std::string path_;
  std::filesystem::path target_, temporary_;  // temporary_ empty when writing through a device or pipe
  std::FILE* file_ = nullptr;
};

// The file an output path names once symbolic links are followed (relative links from their own folder);
// `path` itself when it is no link. InvalidArgument for a loop of links.
std::filesystem::path ResolveOutputPath(const std::string& path);

// True when `path` (links followed) exists and is neither a regular file nor a directory: a device, a
// pipe, a terminal, a socket.
bool IsSpecialFile(const std::string& path);

// A hidden temporary path beside `target` for this process (".NAME.tmp.PID" + suffix), after removing
// the ones that processes no longer running left there for the same target.
std::filesystem::path TemporaryPathBeside(const std::filesystem::path& target, std::string_view suffix = "");

// Checks, before any work, that `path` can be written as an output of `flag` (e.g. "--trace"): its
// folder exists and takes a new file (tried, so a read-only file system is caught too), and it is no
// folder itself. Throws InvalidArgument naming the flag, the path and the reason.
void CheckOutputFile(const std::string& flag, const std::string& path);

// Checks, before any work, that `path` can be made a folder of outputs of `flag`: a folder that takes
// new files, or creatable below an existing one. Throws InvalidArgument naming the flag and the reason.
void CheckOutputFolder(const std::string& flag, const std::string& path);

// Creates `path` and its parents if missing; throws InvalidArgument naming the path and the system's
// reason (a file in the way, no permission) rather than a raw filesystem_error.
void CreateOutputDirectory(const std::string& path);

// The whole file; throws InvalidArgument "cannot open 'x': No such file or directory".
std::string ReadWholeFile(const std::string& path);

// The file as text: ReadWholeFile without a leading UTF-8 byte-order mark (spreadsheet exports add one).
std::string ReadTextFile(const std::string& path);

}  // namespace nlhf

#endif  // NLHF_IO_ATOMIC_FILE_H_
