// Every reproducer class of the hardening work (docs/reliability.md), as a user would meet it on the
// command line: exit 2 with a message that names the file, the position and the rule, never a signal,
// never exit 1 with a library's raw text, never a silent answer. The sanitizer build runs these too.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstring>

#include "cli_fixture.h"

namespace nlhf {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Nested(int depth, const std::string& inside = "0.5") {
  return std::string(depth, '[') + inside + std::string(depth, ']');
}

// A .npy version 1 file: magic, version, 2-byte header length, the header, the data.
std::string Npy(const std::string& header, const std::string& data = "") {
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  return out + header + data;
}

class Hardening : public Cli {
 protected:
  // Exit 2 with every fragment in the message: the usage check, plus "no crash" (a signal gives -1).
  void ExpectRefused(const std::string& arguments, const std::vector<std::string>& fragments) const {
    ExpectUsageError(arguments, fragments);
    const CommandRun run = Nlhf(arguments);
    EXPECT_THAT(run.err, Not(HasSubstr("json.exception"))) << arguments;
    EXPECT_THAT(run.err, Not(HasSubstr("std::"))) << arguments;
  }
};

TEST_F(Hardening, DeeplyNestedJsonIsRefusedWithItsPositionEverywhere) {
  const std::string deep = Nested(100000);
  Write("entry.json", "{\"preferences\": [[0.5, " + deep + "], [0.5, 0.5]]}");
  ExpectRefused("solve entry.json", {"entry.json:1:", "nested deeper than 256"});
  Write("nash.json", "{\"preferences\": [[0.5]], \"nash_equilibrium\": " + deep + "}");
  ExpectRefused("solve nash.json", {"nash.json:1:", "nested deeper"});
  Write("init.json", deep);
  ExpectRefused("solve " + Soccer() + " --init init.json", {"init.json:1:", "nested deeper"});
  ExpectRefused("solve " + Soccer() + " --algo nash-md --reference init.json", {"init.json:1:", "nested deeper"});
  Write("batch.jsonl", "{\"preferences\": [[0.5]]}\n{\"preferences\": " + deep + "}\n");
  ExpectRefused("batch batch.jsonl", {"batch.jsonl:2:272:", "nested deeper"});
  // 256 levels are still read (and then refused for what they hold, not for their depth).
  Write("ok.json", "{\"preferences\": [[0.5, " + Nested(250) + "]]}");
  ExpectRefused("solve ok.json", {"ok.json", "preferences[0][1]", "expected a number, got array"});
}

TEST_F(Hardening, JsonNumbersBeyondDoubleArePositioned) {
  Write("big.json", "{\"preferences\": [[0.5, 0.5],\n [1e400, 0.5]]}");
  ExpectRefused("solve big.json", {"big.json:2:3:", "too large for a double"});
  Write("big.jsonl", "{\"preferences\": [[0.5]]}\n{\"preferences\": [[-1e999]]}\n");
  ExpectRefused("batch big.jsonl", {"big.jsonl:2:19:", "too large"});
}

TEST_F(Hardening, NpyHeadersOfAnyLengthAndShapeAreChecked) {
  // A long header (the regex reader overflowed its stack on these).
  const std::string filler(60000, ' ');
  Write("long.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), " + filler + "}\n",
                        std::string(8, '\0')));
  ExpectRefused("solve long.npy", {"long.npy", "P[1][1] + P[1][1] = 0 + 0"});  // read fine, then validated
  Write("long2.npy", Npy("{'descr': '<f8', " + filler + "'fortran_order': False, 'shape': (3, 3)}\n"));
  ExpectRefused("rank long2.npy", {"long2.npy", "data holds 0 bytes but shape (3, 3)"});
  // Shapes whose byte count overflows 64 bits, or whose digits do.
  Write("over.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647), }\n"));
  ExpectRefused("solve over.npy", {"over.npy", "more than 2^64"});
  Write("digits.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 1), }\n"));
  ExpectRefused("solve digits.npy", {"digits.npy", "beyond 2^64"});
  // Found by fuzzing: an empty side with a huge other side has no bytes, but was looped over.
  Write("empty.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (8229354883489583612, 0), }\n"));
  ExpectRefused("solve empty.npy", {"empty.npy", "shape (8229354883489583612, 0)", "1 to 2147483647 rows"});
  Write("rank3.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }\n", std::string(8, '\0')));
  ExpectRefused("solve rank3.npy", {"rank3.npy", "must be 2-D"});
}

TEST_F(Hardening, EgpoBlocksMustBeNumbersAndHeadersWholeCounts) {
  for (const std::string first_row : {"1 2 0.1", "a b", "x y"}) {
    Write("e.txt", "1 2 0.1\nRun 0\n" + first_row + "\n0.5 0.5\n");
    ExpectRefused("batch e.txt", {"e.txt"});
  }
  Write("words.txt", "1 2 0.1\nRun 0\na b\n0.5 0.5\n");
  ExpectRefused("batch words.txt", {"words.txt:3", "first row is not numbers"});
  Write("frac.txt", "1.9 2.7 0.1\nRun 0\n0.5 0.5\n0.5 0.5\n");
  ExpectRefused("batch frac.txt", {"frac.txt:1", "whole numbers"});
  Write("huge.txt", "1e12 2 0.1\nRun 0\n0.5 0.5\n0.5 0.5\n");
  ExpectRefused("batch huge.txt", {"huge.txt:1", "non-blank lines"});
}

TEST_F(Hardening, PreflibDeclarationsMustBeBackedByData) {
  Write("huge.soi", "# NUMBER ALTERNATIVES: 4294967299\n# ALTERNATIVE NAME 1: a\n1: 1\n");
  ExpectRefused("rank huge.soi", {"huge.soi:1", "4294967299 alternatives", "at most 10000"});
  Write("big.soi", "# NUMBER ALTERNATIVES: 3000000000\n1: 1,2\n");
  ExpectRefused("rank big.soi", {"big.soi:1", "at most 10000"});
  Write("bomb.soi", "# NUMBER ALTERNATIVES: 9000\n# ALTERNATIVE NAME 1: a\n# ALTERNATIVE NAME 2: b\n3: 1,2\n");
  ExpectRefused("rank bomb.soi", {"bomb.soi", "alternative 3 is neither named", "nor ranked"});
}

// A few hundred kilobytes that stand for more pairwise outcomes than memory holds are refused before
// anything is built (a row of k scores is k(k − 1)/2 outcomes; a ballot ranking k of n about k·n).
TEST_F(Hardening, FilesThatExpandBeyondTheOutcomeLimitAreRefused) {
  std::string header = "task", row;
  for (int c = 0; c < 10000; ++c) {
    header += fmt::format("\tm{}", c);
    row += "\t1";
  }
  Write("wide.tsv", header + "\n" + "t1" + row + "\nt2" + row + "\nt3" + row + "\n");
  ExpectRefused("rank wide.tsv --format score-table", {"wide.tsv:4", "149985000 pairwise comparisons", "at most 100000000"});
  std::string votes = "# NUMBER ALTERNATIVES: 10000\n";
  for (int a = 1; a <= 10000; ++a) votes += fmt::format("# ALTERNATIVE NAME {}: a{}\n", a, a);
  for (int b = 0; b < 20000; ++b) votes += "1: 1\n";
  Write("many.soi", votes);
  ExpectRefused("rank many.soi", {"many.soi:", "pairwise comparisons", "at most 100000000"});
}

TEST_F(Hardening, ScoreRangeMustBeFinite) {
  Write("p.csv", "a,b,score\nx,y,1\n");
  ExpectRefused("rank p.csv --format pairwise --score-range=-inf,inf", {"--score-range", "finite"});
}

TEST_F(Hardening, WriteErrorsFailLoudlyAndLeaveNoFile) {
  // A full device of the test's own (never the system's /dev/full: a bug would replace it).
  if (::mknod((dir_ / "full").c_str(), S_IFCHR | 0666, ::makedev(1, 7)) != 0) {
    GTEST_SKIP() << "cannot make a device node here (needs root)";
  }
  const CommandRun trace = Nlhf("solve " + Soccer() + " --trace full");
  EXPECT_NE(trace.exit_code, 0);
  EXPECT_THAT(trace.err, HasSubstr("cannot write 'full'"));
  EXPECT_TRUE(fs::is_character_file(dir_ / "full")) << "the device must never be replaced by a file";
  // Standard output on a full disk (the fixture redirects stdout itself, so this one runs by hand).
  const std::string command = fmt::format("'{}' solve '{}' --json > '{}' 2> '{}'", NLHF_CLI_PATH, Soccer(),
                                          (dir_ / "full").string(), (dir_ / "full.txt").string());
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0);
  EXPECT_THAT(ReadWholeFile((dir_ / "full.txt").string()), HasSubstr("cannot write the standard output"));
  // An output directory that cannot be made (a file is in the way): a message, not a filesystem_error.
  Write("taken", "a file");
  ExpectRefused("compare " + Soccer() + " --algos omwu --out taken/cmp", {"--out 'taken/cmp'", "'taken' is a file"});
  // Permission: a read-only directory gets no file, no temporary left behind.
  fs::create_directories(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  if (::access((dir_ / "ro").c_str(), W_OK) == 0) {  // root: permissions are not enforced
    fs::permissions(dir_ / "ro", fs::perms::owner_all);
    return;
  }
  const CommandRun denied = Nlhf("generate rps --out ro/g.txt");
  EXPECT_EQ(denied.exit_code, 2);
  EXPECT_TRUE(fs::is_empty(dir_ / "ro"));
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
}

TEST_F(Hardening, BatchJsonIsExactlyOneObject) {
  ASSERT_EQ(Nlhf("generate random --n 5 --count 3 --seed 1 --out g.jsonl").exit_code, 0);
  const CommandRun run = Nlhf("batch g.jsonl --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json document = run.Json();  // throws unless the whole output is one JSON value
  EXPECT_EQ(document["games"], 3);
  ASSERT_EQ(document["results"].size(), 3u);
  EXPECT_EQ(document["certified"], 3);
  EXPECT_LE(document["results"][2]["duality_gap"].get<double>(), 1e-9);
}

// General payoff games with entries far beyond 1/2: the default step scales with max|A| (η = 1/(2 max|A|)),
// so OMWU alone converges where η = 1 cycles.
TEST_F(Hardening, PayoffScaledDefaultStepConverges) {
  // Rock-paper-scissors scaled by 10 (max|A| = 10; NE uniform).
  Write("rps10.json", "{\"payoff\": [[0, -10, 10], [10, 0, -10], [-10, 10, 0]]}");
  const CommandRun run = Nlhf("solve rps10.json --no-polish --iters 100000 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json r = run.Json();
  EXPECT_TRUE(r["converged"].get<bool>()) << run.out;
  EXPECT_THAT(r["algorithm"].get<std::string>(), HasSubstr("eta=0.05"));
  // Given explicitly, the step is used as given.
  const nlohmann::json given = Nlhf("solve rps10.json --no-polish --iters 10 --eta 1 --json").Json();
  EXPECT_THAT(given["algorithm"].get<std::string>(), HasSubstr("eta=1)"));
}

}  // namespace
}  // namespace nlhf
