// Outputs and resources (docs/reliability.md, "Outputs"): what the user named is never replaced by
// something else, a folder of results is one run or the previous one, outputs are checked before the work,
// flags that imply more memory or disk than there is are refused up front, and names and keys are never
// silently merged. Exit 2 for every refusal, with the flag or file and the limit in the message.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "cli_fixture.h"

extern char** environ;

namespace nlhf {
namespace {

using ::testing::HasSubstr;

class Outputs : public Cli {
 protected:
  // The files below `folder`, relative to it, hidden ones included.
  static std::set<std::string> FilesIn(const fs::path& folder) {
    std::set<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      if (entry.is_regular_file()) files.insert(fs::relative(entry.path(), folder).generic_string());
    }
    return files;
  }

  // A folder holds one whole run: its manifest lists exactly the other files there, and its summary
  // names the methods whose traces are there.
  static void ExpectWholeRun(const fs::path& folder, const std::string& when) {
    ASSERT_TRUE(fs::exists(folder / "manifest.json")) << when;
    const nlohmann::json manifest = nlohmann::json::parse(ReadWholeFile((folder / "manifest.json").string()));
    std::set<std::string> listed(manifest["files"].begin(), manifest["files"].end());
    listed.insert("manifest.json");
    EXPECT_EQ(FilesIn(folder), listed) << when;
    const nlohmann::json summary = nlohmann::json::parse(ReadWholeFile((folder / "summary.json").string()));
    std::set<std::string> traced;
    for (const std::string& file : listed) {
      if (file.starts_with("traces/")) traced.insert(file.substr(7, file.find("_seed") - 7));
    }
    std::set<std::string> summarized;
    for (const auto& method : summary["methods"]) summarized.insert(method["name"].get<std::string>());
    EXPECT_EQ(traced, summarized) << when;
  }

  // The process id of a process that has ended (a killed run's temporaries carry such an id).
  static pid_t EndedProcessId() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
  }
};

TEST_F(Outputs, LinksAreFollowedAndDevicesWrittenThrough) {
  fs::create_directories(dir_ / "elsewhere");
  Write("elsewhere/real.csv", "old");
  fs::create_symlink("elsewhere/real.csv", dir_ / "link.csv");
  ASSERT_EQ(Nlhf("solve " + Soccer() + " --trace link.csv").exit_code, 0);
  EXPECT_TRUE(fs::is_symlink(dir_ / "link.csv")) << "the link must stay a link";
  EXPECT_THAT(ReadWholeFile((dir_ / "elsewhere/real.csv").string()), HasSubstr("iteration,duality_gap"));

  // A null device of the test's own (never the system's /dev/null: a bug would replace it).
  if (::mknod((dir_ / "null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0) {
    GTEST_SKIP() << "cannot make a device node here (needs root)";
  }
  ASSERT_EQ(Nlhf("solve " + Soccer() + " --trace null").exit_code, 0);
  ASSERT_EQ(Nlhf("generate rps --out null").exit_code, 0);
  EXPECT_TRUE(fs::is_character_file(dir_ / "null")) << "the device must never be replaced by a file";
  // A folder of results cannot be a device: refused, the device kept.
  ExpectUsageError("compare " + Soccer() + " --algos omwu --iters 10 --out null", {"--out 'null'", "name a folder"});
  EXPECT_TRUE(fs::is_character_file(dir_ / "null"));
}

TEST_F(Outputs, ASecondCompareLeavesOnlyItsOwnFiles) {
  ASSERT_EQ(Nlhf("compare --generate random --n 5 --iters 50 --out run").exit_code, 0);
  ExpectWholeRun(dir_ / "run", "first run");
  const size_t all_methods = FilesIn(dir_ / "run").size();
  ASSERT_EQ(Nlhf("compare --generate random --n 5 --iters 50 --algos omwu,mwu --out run").exit_code, 0);
  ExpectWholeRun(dir_ / "run", "second run");
  EXPECT_LT(FilesIn(dir_ / "run").size(), all_methods);
  EXPECT_TRUE(fs::exists(dir_ / "run/traces/omwu_seed0.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "run/traces/ogda_seed0.csv")) << "a trace of the first run was left";
  // Nothing hidden is left beside it.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".run.")) << entry.path();
  }
}

TEST_F(Outputs, AFolderThatIsNotARunIsNeverReplaced) {
  fs::create_directories(dir_ / "mine");
  Write("mine/thesis.tex", "years of work");
  ExpectUsageError("compare " + Soccer() + " --algos omwu --out mine", {"--out 'mine'", "not an nlhf run"});
  EXPECT_EQ(ReadWholeFile((dir_ / "mine/thesis.tex").string()), "years of work");
}

// Killed at several points of a run (fractions of its measured length, up to its last writes), the folder
// holds the previous whole run or the new whole run.
TEST_F(Outputs, AKilledCompareLeavesEitherThePreviousRunOrTheNewOne) {
  const std::string arguments = "compare --generate random --n 8 --iters 10000 --seeds 3 --out run";
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Nlhf(arguments).exit_code, 0);
  const double run_milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(Nlhf("compare --generate random --n 5 --iters 50 --algos omwu --out run").exit_code, 0);
  const std::string first_summary = ReadWholeFile((dir_ / "run/summary.json").string());
  const std::string binary = NLHF_CLI_PATH;
  int saw_new = 0;
  for (const double fraction : {0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.98, 1.0, 1.05, 1.5}) {
    const auto milliseconds = static_cast<int>(fraction * run_milliseconds);
    std::vector<std::string> words = {binary, "compare", "--generate", "random", "--n", "8", "--iters", "10000",
                                      "--seeds", "3", "--out", (dir_ / "run").string()};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t child = 0;
    ASSERT_EQ(posix_spawn(&child, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    const std::string when = fmt::format("killed after {} ms of a {:.0f} ms run", milliseconds, run_milliseconds);
    ExpectWholeRun(dir_ / "run", when);
    const bool is_new = ReadWholeFile((dir_ / "run/summary.json").string()) != first_summary;
    if (fraction == 0.0) EXPECT_FALSE(is_new) << "a run killed at its start cannot have replaced the folder";
    saw_new += is_new ? 1 : 0;
  }
  // The next run removes what the killed ones left beside the folder.
  ASSERT_EQ(Nlhf("compare --generate random --n 5 --iters 50 --algos omwu --out run").exit_code, 0);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".run.")) << entry.path();
  }
  RecordProperty("kills_that_found_the_new_run", saw_new);
}

TEST_F(Outputs, TemporariesOfKilledRunsAreCleanedByTheNextWrite) {
  const pid_t ended = EndedProcessId();
  Write(fmt::format(".t.csv.tmp.{}", ended), "half a trace");
  Write(fmt::format(".t.csv.tmp.{}", ::getpid()), "a live writer's");  // this process runs: kept
  ASSERT_EQ(Nlhf("solve " + Soccer() + " --trace t.csv").exit_code, 0);
  EXPECT_FALSE(fs::exists(dir_ / fmt::format(".t.csv.tmp.{}", ended)));
  EXPECT_TRUE(fs::exists(dir_ / fmt::format(".t.csv.tmp.{}", ::getpid())));
}

TEST_F(Outputs, IntegerFlagsRefuseWhatTheirTypeCannotHold) {
  ExpectUsageError("solve " + Soccer() + " --iters 99999999999999999999999",
                   {"--iters", "must be a whole number from 0 to 9223372036854775807"});
  ExpectUsageError("solve " + Soccer() + " --seed -1", {"--seed", "from 0 to 18446744073709551615, got -1"});
  ExpectUsageError("solve " + Soccer() + " --iters 1.5", {"--iters", "expected a whole number, got '1.5'"});
  ExpectUsageError("solve " + Soccer() + " --iters 0x10", {"--iters", "expected a whole number"});
  ExpectUsageError("generate random --n 3000000000", {"--n", "from 1 to 2147483647"});
  // Plain decimal forms are read as written: 010 is ten (strtoll would read octal 8), 1e3 a thousand.
  const CommandRun octal = Nlhf("compare " + Soccer() + " --algos omwu --iters 010 --out run --json");
  ASSERT_EQ(octal.exit_code, 0) << octal.err;
  EXPECT_EQ(octal.Json()["iterations"], 10);
  const CommandRun thousand = Nlhf("compare " + Soccer() + " --algos omwu --iters 1e3 --out run --json");
  ASSERT_EQ(thousand.exit_code, 0) << thousand.err;
  EXPECT_EQ(thousand.Json()["iterations"], 1000);
}

// Flags that imply more memory or disk than the machine has are refused before anything is allocated:
// the peak memory of every command run here stays small.
TEST_F(Outputs, MemoryAndDiskBombsAreRefusedUpFront) {
  ExpectUsageError("bench --batch 2000000000 --n 10 --iters 1", {"bench --batch 2000000000", "of memory", "available"});
  ExpectUsageError("bench --n 1000000 --iters 1", {"--n 1000000", "TiB of memory"});
  ExpectUsageError("compare --generate random --n 5 --seeds 1000000000 --out run",
                   {"compare --seeds 1000000000", "of memory"});
  EXPECT_FALSE(fs::exists(dir_ / "run")) << "a refused compare leaves no folder";
  ExpectUsageError("generate random --n 10 --count 2000000000 --out g.jsonl", {"--count 2000000000", "free"});
  rusage usage{};
  ASSERT_EQ(::getrusage(RUSAGE_CHILDREN, &usage), 0);
  EXPECT_LT(usage.ru_maxrss, 200 * 1024) << "peak resident KiB of the refused commands";
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".g.jsonl")) << entry.path();
  }
}

TEST_F(Outputs, RepeatedNamesAndKeysAreRefusedAndLongValuesQuotedShort) {
  Write("keys.json", R"({"preferences": [[0.5, 0.3], [0.7, 0.5]], "payoff": false, "payoff": true})");
  ExpectUsageError("solve keys.json", {"keys.json:1:", "\"payoff\" appears twice"});
  Write("names.txt", "a b a\n0.5 0.4 0.3\n0.6 0.5 0.2\n0.7 0.8 0.5\n");
  ExpectUsageError("solve names.txt", {"names.txt", "responses 1 and 3 are both named 'a'"});
  Write("scores.csv", "m1,m2,m1\n1,2,3\n3,2,1\n");
  ExpectUsageError("rank scores.csv --format score-table", {"scores.csv", "candidates 1 and 3 are both named 'm1'"});
  Write("twice.soi", "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: a\n# ALTERNATIVE NAME 1: b\n1: 1,2\n");
  ExpectUsageError("rank twice.soi", {"twice.soi:3", "ALTERNATIVE NAME 1 is given twice"});
  // A 5 MB value in an error: quoted as a short excerpt.
  Write("huge.json", "{\"preferences\": \"" + std::string(5'000'000, 'x'));
  const CommandRun json = Nlhf("solve huge.json");
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_LT(json.err.size(), 1000u);
  Write("huge.txt", "a b\n0.5 " + std::string(5'000'000, 'z') + "\n0.5 0.5\n");
  const CommandRun text = Nlhf("solve huge.txt");
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_THAT(text.err, HasSubstr("huge.txt:2:5"));
  EXPECT_LT(text.err.size(), 1000u);
}

}  // namespace
}  // namespace nlhf
