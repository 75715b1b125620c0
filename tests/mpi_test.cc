// nlhf under mpirun (docs/scale-out.md). `nlhf batch`: the ranks split one batch and write what one process
// writes, byte for byte; a bad line is reported with its line number in the whole file whichever rank
// holds it; a rank killed mid-run ends the job with a non-zero exit and no output file. `nlhf solve
// --matrix-free`: one game split by row blocks takes the steps one process takes. Skipped, saying why, in a
// build without MPI.
#include <cmath>
#include <random>

#include "cli_fixture.h"
#include "nlhf/io/batch_file.h"

namespace nlhf {
namespace {

class Mpi : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
#ifndef NLHF_MPIEXEC
    GTEST_SKIP() << "this build has no MPI (install libopenmpi-dev and openmpi-bin: scripts/install-deps.sh)";
#endif
  }

  // `mpirun -np ranks nlhf <arguments>` in the test's directory. --oversubscribe: more ranks than cores is
  // fine for a test; running as root (containers, CI) needs Open MPI's two consent variables. In the
  // sanitizer build the leak check is off for the ranks (ASan's other checks stay on): Open MPI's components,
  // unloaded at MPI_Finalize, leave allocations LeakSanitizer can name no library for, so no suppression
  // matches them; the code the ranks share with one process is leak-checked by the single-process runs.
  static std::string Environment() {
    return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0";
  }

  CommandRun Mpirun(int ranks, const std::string& arguments, const std::string& mpirun_flags = "") const {
#ifdef NLHF_MPIEXEC
    const std::string command =
        fmt::format("cd '{}' && {} '{}' --oversubscribe {} -np {} '{}' {} > stdout.txt 2> stderr.txt < /dev/null",
                    dir_.string(), Environment(), NLHF_MPIEXEC, mpirun_flags, ranks, NLHF_CLI_PATH, arguments);
    const int status = std::system(command.c_str());
    CommandRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Read("stdout.txt");
    run.err = Read("stderr.txt");
    return run;
#else
    return {};
#endif
  }

  // `count` seeded skew games P = σ(A), A = −Aᵀ, of 3 to 12 responses (or all of `n`), as JSON Lines; every
  // third with a context, and a blank line every 17 games (line numbers then differ from game numbers).
  static std::string Games(int count, int n = 0, std::uint64_t seed = 1) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    std::uniform_int_distribution<int> size(3, 12);
    std::string text;
    for (int k = 0; k < count; ++k) {
      const int m = n > 0 ? n : size(generator);
      std::vector<std::vector<double>> p(m, std::vector<double>(m, 0.5));
      for (int i = 0; i < m; ++i) {
        for (int j = i + 1; j < m; ++j) {
          p[i][j] = 1 / (1 + std::exp(-normal(generator)));
          p[j][i] = 1 - p[i][j];
        }
      }
      nlohmann::json line = {{"preferences", p}};
      if (k % 3 == 0) line["context"] = fmt::format("q{}", k);
      text += line.dump() + "\n";
      if (k % 17 == 0) text += "\n";
    }
    return text;
  }
};

TEST_F(Mpi, RanksWriteWhatOneProcessWritesByteForByte) {
  Write("games.jsonl", Games(300));
  ASSERT_EQ(Nlhf("batch games.jsonl --out one.jsonl").exit_code, 0);
  const std::string one = Read("one.jsonl");
  for (const int ranks : {2, 3}) {
    const CommandRun run = Mpirun(ranks, "batch games.jsonl --out many.jsonl");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(Read("many.jsonl"), one) << ranks << " ranks";
    EXPECT_THAT(run.err, ::testing::HasSubstr(fmt::format("300 games, 300 certified")));
    EXPECT_THAT(run.err, ::testing::HasSubstr(fmt::format("on {} ranks", ranks)));
  }
  // Standard output and --json's one object, as one process prints them.
  EXPECT_EQ(Mpirun(2, "batch games.jsonl").out, Nlhf("batch games.jsonl").out);
  const CommandRun json = Mpirun(2, "batch games.jsonl --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, Nlhf("batch games.jsonl --json").out);
  EXPECT_EQ(json.Json()["results"].size(), 300u);
  // A .npy batch splits by games; its contexts stay the games' indices in the whole array.
  std::string npy = FormatNpyBatchHeader(40, 6);
  std::mt19937_64 generator(3);
  std::uniform_real_distribution<double> uniform(0.05, 0.95);
  for (int k = 0; k < 40; ++k) {
    Eigen::MatrixXd p = Eigen::MatrixXd::Constant(6, 6, 0.5);
    for (int i = 0; i < 6; ++i) {
      for (int j = i + 1; j < 6; ++j) {
        p(i, j) = uniform(generator);
        p(j, i) = 1 - p(i, j);
      }
    }
    npy += FormatNpyBatchGame(p);
  }
  Write("games.npy", npy);
  const CommandRun npy_run = Mpirun(2, "batch games.npy");
  ASSERT_EQ(npy_run.exit_code, 0) << npy_run.err;
  EXPECT_EQ(npy_run.out, Nlhf("batch games.npy").out);
  // More ranks than games: the ranks without any still take part.
  Write("three.jsonl", Games(2));
  EXPECT_EQ(Mpirun(3, "batch three.jsonl").out, Nlhf("batch three.jsonl").out);
}

TEST_F(Mpi, TheFirstBadLineIsReportedWithItsLineNumberWhicheverRankHoldsIt) {
  std::string games = Games(300);
  std::vector<std::string> lines;
  for (std::size_t at = 0, next; at < games.size(); at = next + 1) {
    next = games.find('\n', at);
    lines.push_back(games.substr(at, next - at));
  }
  const auto with_bad_lines = [&](const std::vector<int>& numbers) {
    std::vector<std::string> changed = lines;
    for (const int line : numbers) changed[static_cast<std::size_t>(line - 1)] = "{\"preferences\": [[0.5, 0.9], [0.2, 0.5]]}";
    std::string text;
    for (const std::string& line : changed) text += line + "\n";
    return text;
  };
  // Line 290 of ~318 lies in the second rank's bytes.
  Write("bad.jsonl", with_bad_lines({290}));
  const CommandRun run = Mpirun(2, "batch bad.jsonl --out out.jsonl");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr("nlhf: error: bad.jsonl:290: row 1, column 2"));
  EXPECT_FALSE(fs::exists(dir_ / "out.jsonl"));
  EXPECT_THAT(run.err, ::testing::HasSubstr(Nlhf("batch bad.jsonl").err));  // one process's message, whole
  // Bad lines in both ranks' shares: the first in input order is the one reported, as by one process.
  Write("two-bad.jsonl", with_bad_lines({20, 250}));
  const CommandRun both = Mpirun(2, "batch two-bad.jsonl --out out.jsonl");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, ::testing::HasSubstr("two-bad.jsonl:20:"));
  EXPECT_THAT(both.err, ::testing::Not(::testing::HasSubstr("two-bad.jsonl:250:")));
  EXPECT_FALSE(fs::exists(dir_ / "out.jsonl"));
  // An error every rank meets is reported once.
  const CommandRun missing = Mpirun(2, "batch missing.jsonl");
  EXPECT_EQ(missing.exit_code, 2);
  const std::string message = "cannot open 'missing.jsonl'";
  EXPECT_EQ(missing.err.find(message), missing.err.rfind(message)) << missing.err;
  Write("empty.jsonl", "\n\n");
  EXPECT_THAT(Mpirun(3, "batch empty.jsonl").err, ::testing::HasSubstr("empty.jsonl: no games"));
}

// --out-dir: each rank writes its own part, and `nlhf merge` joins them into the bytes --out writes; a run
// that fails on a bad line leaves no manifest (an earlier run's is removed first), so merge refuses it.
TEST_F(Mpi, PartsPerRankMergeIntoWhatOneProcessWrites) {
  Write("games.jsonl", Games(200));
  ASSERT_EQ(Nlhf("batch games.jsonl --out one.jsonl").exit_code, 0);
  const CommandRun run = Mpirun(3, "batch games.jsonl --out-dir parts");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (int rank = 0; rank < 3; ++rank) {
    EXPECT_TRUE(fs::exists(dir_ / "parts" / fmt::format("part-{:05d}-of-00003.jsonl", rank)));
  }
  const auto manifest = nlohmann::json::parse(Read("parts/manifest.json"));
  EXPECT_EQ(manifest["games"], 200);
  EXPECT_EQ(manifest["part_games"].size(), 3u);
  ASSERT_EQ(Nlhf("merge parts --out merged.jsonl").exit_code, 0);
  EXPECT_EQ(Read("merged.jsonl"), Read("one.jsonl"));

  std::string bad = Games(200);
  bad.replace(bad.rfind("{\"preferences\""), 1, "[");  // the last game, in rank 2's bytes
  Write("bad.jsonl", bad);
  const CommandRun failed = Mpirun(3, "batch bad.jsonl --out-dir parts");
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir_ / "parts" / "manifest.json"));
  const CommandRun refused = Nlhf("merge parts --out merged2.jsonl");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, ::testing::HasSubstr("did not finish"));
  EXPECT_FALSE(fs::exists(dir_ / "merged2.jsonl"));
}

// A command that does not split its work is refused under mpirun, once, rather than run whole K times.
TEST_F(Mpi, CommandsThatDoNotSplitAreRefusedOnce) {
  const CommandRun run = Mpirun(3, "generate random --n 5 --out game.txt");
  EXPECT_NE(run.exit_code, 0);
  const std::string message = "nlhf generate does not split its work across the 3 ranks mpirun started";
  EXPECT_THAT(run.err, ::testing::HasSubstr(message));
  EXPECT_EQ(run.err.find(message), run.err.rfind(message));
  EXPECT_FALSE(fs::exists(dir_ / "game.txt"));
}

TEST_F(Mpi, AKilledRankEndsTheRunWithoutAnOutputFile) {
  // 64 games of n = 60 at 200,000 iterations: seconds of work, so that the kill lands mid-run.
  Write("slow.jsonl", Games(64, 60, 2));
  const std::string batch = fmt::format("\"{}\" batch slow.jsonl --algo omwu --iters 200000 --tol 0 --no-polish "
                                        "--out out.jsonl",
                                        NLHF_CLI_PATH);
#ifdef NLHF_MPIEXEC
  // Rank 1 runs under a shell that kills it (SIGKILL) half a second in.
  const std::string command = fmt::format(
      "cd '{}' && {} '{}' --oversubscribe -np 2 sh -c "
      "'if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then {} & pid=$!; sleep 0.5; kill -9 $pid; wait $pid; exit $?; "
      "else exec {}; fi' > stdout.txt 2> stderr.txt < /dev/null",
      dir_.string(), Environment(), NLHF_MPIEXEC, batch, batch);
  const int status = std::system(command.c_str());
  EXPECT_TRUE(!WIFEXITED(status) || WEXITSTATUS(status) != 0) << Read("stderr.txt");
  EXPECT_FALSE(fs::exists(dir_ / "out.jsonl"));
#endif
}

// n = 4,096 (a 134 MB file; the ranks hold 33.6 MB of the packed triangle each): OMWU's iterates and the
// restarted PDHG's certificate over two ranks equal one process's to 1e-12 (the products sum in another
// order, so not bit for bit), with one thread per rank or several.
TEST_F(Mpi, OneGameSplitByRowBlocksTakesTheStepsOfOneProcess) {
  ASSERT_EQ(Nlhf("generate random --n 4096 --seed 5 --out big.npy").exit_code, 0);
  // Each rank's rows on one thread, and (OMWU) on two threads per rank, whose runs of rows are summed in
  // another order again.
  for (const auto& [algorithm, mpirun_flags] : std::vector<std::pair<std::string, std::string>>{
           {"omwu --iters 100", ""}, {"pdhg --iters 60", ""}, {"omwu --iters 60", "--bind-to none -x OMP_NUM_THREADS=2"}}) {
    const std::string solve = "solve big.npy --matrix-free --tol 0 --json --algo " + algorithm;
    const CommandRun one = Nlhf(solve);
    const CommandRun two = Mpirun(2, solve, mpirun_flags);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    ASSERT_EQ(two.exit_code, 0) << two.err;
    const auto a = one.Json(), b = two.Json();
    EXPECT_THAT(b["held_as"].get<std::string>(), ::testing::HasSubstr("row blocks over 2 ranks, 33.6 MB on this rank"));
    EXPECT_EQ(a["iterations"], b["iterations"]);
    EXPECT_NEAR(a["duality_gap"].get<double>(), b["duality_gap"].get<double>(), 1e-12) << algorithm;
    double largest = 0;
    for (std::size_t i = 0; i < 4096; ++i) {
      const auto& x = a["log_policy"][i];
      const auto& y = b["log_policy"][i];
      if (x.is_number() && y.is_number()) {
        largest = std::max(largest, std::abs(std::exp(x.get<double>()) - std::exp(y.get<double>())));
      } else {
        EXPECT_EQ(x, y) << i;  // both -inf (written as a string)
      }
    }
    EXPECT_LE(largest, 1e-12) << algorithm;
  }
  // The text report (whose payoff column is a product with the split game, made by every rank) comes once.
  const CommandRun text = Mpirun(2, "solve big.npy --matrix-free --algo omwu --iters 5");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("equilibrium (support"), text.out.rfind("equilibrium (support"));
}

TEST_F(Mpi, ABadEntryInAnyRanksRowsIsReportedOnce) {
  ASSERT_EQ(Nlhf("generate random --n 64 --out game.npy").exit_code, 0);
  std::string bytes = Read("game.npy");
  const std::size_t data = 10 + (static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8);
  const double bad = 2.0;
  bytes.replace(data + sizeof(double) * (60 * 64 + 62), sizeof(double), reinterpret_cast<const char*>(&bad), sizeof(double));
  Write("bad.npy", bytes);
  const CommandRun run = Mpirun(2, "solve bad.npy --matrix-free");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr("bad.npy"));
  EXPECT_THAT(run.err, ::testing::HasSubstr("row 61, column 63"));
  EXPECT_EQ(run.err.find("nlhf: error:"), run.err.rfind("nlhf: error:")) << run.err;
  // What only one process can do is refused, once.
  const CommandRun dense = Mpirun(2, "solve game.npy");
  EXPECT_EQ(dense.exit_code, 2);
  EXPECT_THAT(dense.err, ::testing::HasSubstr("give --matrix-free"));
  EXPECT_EQ(dense.err.find("nlhf: error:"), dense.err.rfind("nlhf: error:")) << dense.err;
  EXPECT_THAT(Mpirun(2, "solve game.npy --matrix-free --time-limit 5").err, ::testing::HasSubstr("--time-limit under mpirun"));
}

}  // namespace
}  // namespace nlhf
