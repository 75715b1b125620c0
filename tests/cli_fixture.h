// The `nlhf` command run as a user runs it, in a directory of the test's own: the fixture of the
// command-line tests.
#ifndef NLHF_TESTS_CLI_FIXTURE_H_
#define NLHF_TESTS_CLI_FIXTURE_H_

#include <fmt/format.h>
#include <unistd.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nlhf/io/atomic_file.h"
#include "testing.h"

namespace nlhf {

namespace fs = std::filesystem;

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json Json() const { return nlohmann::json::parse(out); }
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    // The process id keeps two test runs on one machine (two checkouts, ctest beside CI) out of each
    // other's folders.
    dir_ = fs::path(::testing::TempDir()) /
           fmt::format("nlhf_cli_{}_{}", getpid(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  // A failed test's folder stays, for a look at what its commands left.
  void TearDown() override {
    if (!HasFailure()) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  // Runs `nlhf <arguments>` in the test's own directory, standard input from the file `input` there.
  CommandRun Nlhf(const std::string& arguments, const std::string& input = "/dev/null") const {
    const std::string command = fmt::format("cd '{}' && '{}' {} > stdout.txt 2> stderr.txt < '{}'",
                                            dir_.string(), NLHF_CLI_PATH, arguments, input);
    const int status = std::system(command.c_str());
    CommandRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadWholeFile((dir_ / "stdout.txt").string());
    run.err = ReadWholeFile((dir_ / "stderr.txt").string());
    return run;
  }

  void Write(const std::string& name, const std::string& contents) const {
    std::ofstream(dir_ / name, std::ios::binary) << contents;
  }
  std::string Read(const std::string& name) const { return ReadWholeFile((dir_ / name).string()); }

  void ExpectUsageError(const std::string& arguments, const std::vector<std::string>& fragments) const {
    const CommandRun run = Nlhf(arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments << "\n" << run.err;
    EXPECT_THAT(run.err, ::testing::HasSubstr("nlhf: error: ")) << arguments;
    for (const auto& fragment : fragments) EXPECT_THAT(run.err, ::testing::HasSubstr(fragment)) << arguments;
    EXPECT_TRUE(run.out.empty()) << arguments << " printed to stdout: " << run.out;
  }

  std::string Soccer() const { return std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt"; }

  fs::path dir_;
};

}  // namespace nlhf

#endif  // NLHF_TESTS_CLI_FIXTURE_H_
