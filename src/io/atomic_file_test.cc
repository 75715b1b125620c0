#include "nlhf/io/atomic_file.h"

#include <filesystem>

#include "nlhf/error.h"
#include "testing.h"

namespace nlhf {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFile, WritesAndReplacesLeavingNoTemporaryFile) {
  const fs::path dir = nlhf::testing::ScratchDir("nlhf_atomic");
  const std::string path = (dir / "out.csv").string();
  WriteFileAtomically(path, "first");
  WriteFileAtomically(path, "second");
  EXPECT_EQ(ReadWholeFile(path), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, FailsWithTheReasonAndLeavesNothingBehind) {
  EXPECT_THROW_WITH(WriteFileAtomically("/nonexistent-dir/out.csv", "x"), InvalidArgument,
                    "cannot write '/nonexistent-dir/out.csv'", "No such file");
  const fs::path dir = nlhf::testing::ScratchDir("nlhf_atomic_dir");
  fs::create_directories(dir / "target_is_a_directory");
  EXPECT_THROW(WriteFileAtomically((dir / "target_is_a_directory").string(), "x"), InvalidArgument);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(ReadWholeFile, NamesAMissingFileAndADirectory) {
  EXPECT_THROW_WITH(ReadWholeFile("/nonexistent/x"), InvalidArgument, "cannot open '/nonexistent/x'");
  EXPECT_THROW_WITH(ReadWholeFile("/"), InvalidArgument, "directory");
}

}  // namespace
}  // namespace nlhf
