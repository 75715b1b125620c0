// `nlhf train --world-size K --rank R --master HOST:PORT` (docs/scale-out.md): K processes over the loopback
// interface, each with its share of the contexts and the gradients summed by LibTorch's c10d (Gloo), train
// what one process trains on every context (to 1e-6), resume from a checkpoint written at another world
// size, refuse what they cannot split, and end with an error, not a hang, when a rank is lost. Skipped,
// saying why, in a build without LibTorch's c10d.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "cli_fixture.h"

namespace nlhf {
namespace {

using ::testing::HasSubstr;

// Rows of a CSV file (header skipped), each as its numbers.
std::vector<std::vector<double>> CsvRows(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    std::vector<double> row;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(row);
  }
  return rows;
}

// A TCP port nothing listens on now (the kernel's choice for port 0).
int FreePort() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(s, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(s);
    return 29500;
  }
  const int port = ntohs(address.sin_port);
  close(s);
  return port;
}

class DataParallel : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
#ifndef NLHF_C10D
    GTEST_SKIP() << "this build has no LibTorch c10d with Gloo (install libtorch-dev and libgloo-dev: "
                    "scripts/install-deps.sh)";
#endif
  }

  struct Ranks {
    CommandRun zero;               // rank 0's exit code, stdout and stderr
    std::vector<int> exit_codes;   // every rank's, rank 0's first
    std::string others_output;     // ranks 1 … K−1's stdout and stderr
  };

  // `nlhf <arguments> --world-size K --rank R --master 127.0.0.1:PORT` for R = K−1 … 0, all at once.
  Ranks Launch(int ranks, const std::string& arguments) const {
    const std::string master = fmt::format("127.0.0.1:{}", FreePort());
    std::string script = fmt::format("cd '{}' && (", dir_.string());
    for (int r = ranks - 1; r >= 1; --r) {
      script += fmt::format("'{}' {} --world-size {} --rank {} --master {} > rank{}.txt 2>&1 < /dev/null & p{}=$!; ",
                            NLHF_CLI_PATH, arguments, ranks, r, master, r, r);
    }
    script += fmt::format("'{}' {} --world-size {} --rank 0 --master {} > stdout.txt 2> stderr.txt < /dev/null; "
                          "echo $? > code0.txt; ",
                          NLHF_CLI_PATH, arguments, ranks, master);
    for (int r = 1; r < ranks; ++r) script += fmt::format("wait $p{}; echo $? > code{}.txt; ", r, r);
    script += "true)";
    EXPECT_EQ(std::system(script.c_str()), 0);
    Ranks out;
    for (int r = 0; r < ranks; ++r) {
      out.exit_codes.push_back(std::stoi(Read(fmt::format("code{}.txt", r))));
      if (r > 0) out.others_output += Read(fmt::format("rank{}.txt", r));
    }
    out.zero.exit_code = out.exit_codes[0];
    out.zero.out = Read("stdout.txt");
    out.zero.err = Read("stderr.txt");
    return out;
  }

  // The two runs' traces agree in every number (gaps, losses, smallest log-probability) to `tolerance`.
  void ExpectSameTrace(const std::string& expected, const std::string& actual, double tolerance = 1e-6) const {
    const auto a = CsvRows(dir_ / expected), b = CsvRows(dir_ / actual);
    ASSERT_EQ(a.size(), b.size());
    ASSERT_GT(a.size(), 2u);
    for (size_t t = 0; t < a.size(); ++t) {
      ASSERT_EQ(a[t].size(), b[t].size());
      for (size_t k = 0; k < a[t].size(); ++k) {
        if (std::isnan(a[t][k])) {
          EXPECT_TRUE(std::isnan(b[t][k])) << "row " << t << " column " << k;
        } else {
          EXPECT_NEAR(b[t][k], a[t][k], tolerance * std::max(1.0, std::abs(a[t][k]))) << "row " << t << " column " << k;
        }
      }
    }
  }

  // The final policies of two --json runs agree per context to `tolerance`.
  static void ExpectSamePolicies(const nlohmann::json& one, const nlohmann::json& many, double tolerance = 1e-6) {
    ASSERT_EQ(one["contexts"].size(), many["contexts"].size());
    for (size_t c = 0; c < one["contexts"].size(); ++c) {
      const auto p = one["contexts"][c]["policy"].get<std::vector<double>>();
      const auto q = many["contexts"][c]["policy"].get<std::vector<double>>();
      ASSERT_EQ(p.size(), q.size());
      for (size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(q[i], p[i], tolerance) << "context " << c << " response " << i;
      EXPECT_NEAR(many["contexts"][c]["duality_gap"].get<double>(), one["contexts"][c]["duality_gap"].get<double>(),
                  tolerance);
    }
  }
};

// The acceptance check: the same global batch (every context) split over 2 and 3 ranks takes the
// steps one process takes. A shared network (every rank's gradient feeds every parameter), Adam (its
// moments see the summed gradient) and uneven shares (7 contexts over 2 and 3 ranks).
TEST_F(DataParallel, RanksTrainWhatOneProcessTrains) {
  const std::string run = "train --generate random --n 12 --contexts 7 --seed 5 --policy contextual --optimizer adam "
                          "--lr 0.003 --algo online-ipo --iters 150 --log-every 5 --json";
  const CommandRun one = Nlhf(run + " --trace one.csv");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  for (const int ranks : {2, 3}) {
    const Ranks many = Launch(ranks, run + " --trace many.csv");
    for (int r = 0; r < ranks; ++r) ASSERT_EQ(many.exit_codes[static_cast<size_t>(r)], 0) << many.zero.err << many.others_output;
    EXPECT_EQ(many.others_output, "") << "only rank 0 prints";
    ExpectSameTrace("one.csv", "many.csv");
    const auto json = many.zero.Json();
    EXPECT_EQ(json["world_size"], ranks);
    EXPECT_EQ(json["backend"], "autograd");
    ExpectSamePolicies(one.Json(), json);
  }
  // The gap fell: the run trained, the equality above is not that of two idle runs.
  const auto trace = CsvRows(dir_ / "one.csv");
  EXPECT_LT(trace.back()[1], 0.7 * trace.front()[1]);
}

// Started as torchrun starts its workers, by the environment alone (WORLD_SIZE, RANK, MASTER_ADDR,
// MASTER_PORT), the ranks train what one process trains.
TEST_F(DataParallel, TakesTorchrunsEnvironment) {
  const std::string run = "train --generate random --n 9 --contexts 4 --seed 3 --policy contextual --iters 40 --json";
  const CommandRun one = Nlhf(run);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const std::string environment = fmt::format("WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT={}", FreePort());
  const std::string script = fmt::format(
      "cd '{0}' && ({1} RANK=1 '{2}' {3} > rank1.txt 2>&1 & p=$!; {1} RANK=0 '{2}' {3} > stdout.txt 2> stderr.txt; "
      "echo $? > code0.txt; wait $p; echo $? > code1.txt; true)",
      dir_.string(), environment, NLHF_CLI_PATH, run);
  ASSERT_EQ(std::system(script.c_str()), 0);
  ASSERT_EQ(Read("code0.txt"), "0\n") << Read("stderr.txt");
  ASSERT_EQ(Read("code1.txt"), "0\n") << Read("rank1.txt");
  const auto many = nlohmann::json::parse(Read("stdout.txt"));
  EXPECT_EQ(many["world_size"], 2);
  ExpectSamePolicies(one.Json(), many);
}

// Started by mpirun, the launcher's ranks are the data-parallel ranks (they meet over c10d at --master).
TEST_F(DataParallel, MpirunsRanksTrainAsDataParallelRanks) {
#ifndef NLHF_MPIEXEC
  GTEST_SKIP() << "this build has no MPI (install libopenmpi-dev and openmpi-bin: scripts/install-deps.sh)";
#else
  const std::string run = "train --generate random --n 9 --contexts 5 --seed 8 --policy contextual --iters 30 --json";
  const CommandRun one = Nlhf(run);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const std::string command = fmt::format(
      "cd '{}' && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 '{}' --oversubscribe -np 2 '{}' {} "
      "--master 127.0.0.1:{} > stdout.txt 2> stderr.txt < /dev/null",
      dir_.string(), NLHF_MPIEXEC, NLHF_CLI_PATH, run, FreePort());
  ASSERT_EQ(std::system(command.c_str()), 0) << Read("stderr.txt");
  const auto many = nlohmann::json::parse(Read("stdout.txt"));
  EXPECT_EQ(many["world_size"], 2);
  ExpectSamePolicies(one.Json(), many);
#endif
}

// Per-context networks (the EGPO mlp: a rank's gradient is zero outside its contexts) with EGPO's half
// step, and the transformer on sequence games, whose forward pass computes only the rank's prompts.
TEST_F(DataParallel, PerContextNetworksExtragradientAndTheTransformer) {
  const std::string mlp = "train --generate random --n 8 --contexts 4 --seed 2 --policy mlp --algo egpo --lr 0.03 --iters 60 "
                          "--log-every 3 --json";
  ASSERT_EQ(Nlhf(mlp + " --trace one.csv").exit_code, 0);
  Ranks many = Launch(2, mlp + " --trace many.csv");
  ASSERT_EQ(many.zero.exit_code, 0) << many.zero.err << many.others_output;
  ExpectSameTrace("one.csv", "many.csv");

  const std::string transformer = "train --vocab 2 --length 3 --prompts 3 --seed 4 --policy transformer --width 8 "
                                  "--algo online-ipo --iters 12 --json";
  const CommandRun one = Nlhf(transformer + " --trace one.csv");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  many = Launch(3, transformer + " --trace many.csv");
  ASSERT_EQ(many.zero.exit_code, 0) << many.zero.err << many.others_output;
  ExpectSameTrace("one.csv", "many.csv");
  ExpectSamePolicies(one.Json(), many.zero.Json());
}

// A checkpoint written by 2 ranks resumes on 3 ranks and on one process, and one written by one process
// resumes on 2: each continues the uninterrupted run (OMWU's memory of g_{t−1}, Adam's moments, the trace).
TEST_F(DataParallel, ResumesFromACheckpointOfAnotherWorldSize) {
  const std::string run = "train --generate random --n 10 --contexts 6 --seed 7 --policy contextual --optimizer adam "
                          "--lr 0.001 --algo omwu --log-every 4";
  ASSERT_EQ(Nlhf(run + " --iters 80 --trace straight.csv").exit_code, 0);

  Ranks first = Launch(2, run + " --iters 40 --checkpoint by2");
  ASSERT_EQ(first.zero.exit_code, 0) << first.zero.err << first.others_output;
  ASSERT_TRUE(fs::exists(dir_ / "by2" / "checkpoint.pt"));
  const Ranks on3 = Launch(3, run + " --iters 80 --resume by2 --trace on3.csv");
  ASSERT_EQ(on3.zero.exit_code, 0) << on3.zero.err << on3.others_output;
  ExpectSameTrace("straight.csv", "on3.csv");
  const CommandRun alone = Nlhf(run + " --iters 80 --resume by2 --trace alone.csv");
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  ExpectSameTrace("straight.csv", "alone.csv");

  ASSERT_EQ(Nlhf(run + " --iters 40 --checkpoint by1").exit_code, 0);
  const Ranks on2 = Launch(2, run + " --iters 80 --resume by1 --trace on2.csv");
  ASSERT_EQ(on2.zero.exit_code, 0) << on2.zero.err << on2.others_output;
  ExpectSameTrace("straight.csv", "on2.csv");
}

// What cannot be split is refused before any rendezvous (exit 2, naming the rule); a rank whose peers never
// come ends with an error naming the master; a rank lost mid-run ends the others with an error, and no
// trace file is written.
TEST_F(DataParallel, RefusesWhatItCannotSplitAndFailsWithoutHanging) {
  const std::string game = "train --generate random --n 6 --contexts 2 --policy tabular --iters 5";
  struct Case {
    std::string flags, message;
  };
  for (const Case& c : std::vector<Case>{
           {"--world-size 2 --rank 0 --feedback sampled", "takes exact feedback"},
           {"--world-size 3 --rank 0", "more ranks than the 2 context(s)"},
           {"--world-size 2 --rank 2", "--rank 2"},
           {"--world-size 2 --rank 0 --master localhost", "HOST:PORT"},
           {"--world-size 2 --rank 0 --master h:70000", "HOST:PORT"},
           {"--world-size 2 --rank 0 --backend fused", "data-parallel"},
           {"--world-size 2 --rank 0 --seeds 2", "trains one seed"},
       }) {
    const CommandRun run = Nlhf(game + " " + c.flags);
    EXPECT_EQ(run.exit_code, 2) << c.flags << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.flags;
  }
  const std::string environment =
      fmt::format("cd '{}' && WORLD_SIZE=two '{}' {} > out.txt 2> err.txt", dir_.string(), NLHF_CLI_PATH, game);
  EXPECT_EQ(WEXITSTATUS(std::system(environment.c_str())), 2);
  EXPECT_THAT(Read("err.txt"), HasSubstr("WORLD_SIZE='two'"));

  // Rank 1 started with another learning rate: both ranks refuse before the first step.
  {
    const std::string master = fmt::format("127.0.0.1:{}", FreePort());
    const std::string script = fmt::format(
        "cd '{0}' && ('{1}' {2} --world-size 2 --rank 1 --master {3} --lr 0.5 > rank1.txt 2>&1 & p=$!; "
        "'{1}' {2} --world-size 2 --rank 0 --master {3} > stdout.txt 2> stderr.txt; echo $? > code0.txt; wait $p; "
        "echo $? > code1.txt; true)",
        dir_.string(), NLHF_CLI_PATH, game, master);
    ASSERT_EQ(std::system(script.c_str()), 0);
    EXPECT_EQ(Read("code0.txt"), "2\n");
    EXPECT_EQ(Read("code1.txt"), "2\n");
    EXPECT_THAT(Read("stderr.txt"), HasSubstr("the ranks were started with different settings"));
  }

  // Rank 1 alone: rank 0 never serves the rendezvous.
  const CommandRun lonely =
      Nlhf(fmt::format("{} --world-size 2 --rank 1 --master 127.0.0.1:{} --rendezvous-timeout 2", game, FreePort()));
  EXPECT_EQ(lonely.exit_code, 1);
  EXPECT_THAT(lonely.err, HasSubstr("rendezvous"));

  // Rank 1 killed (SIGKILL) mid-run: rank 0 stops with an error well before its timeout, writing nothing.
  const std::string master = fmt::format("127.0.0.1:{}", FreePort());
  const std::string run = "train --generate random --n 40 --contexts 4 --policy contextual --iters 100000000 "
                          "--log-every 1000 --trace trace.csv --rendezvous-timeout 60 --world-size 2";
  const std::string script = fmt::format(
      "cd '{0}' && ('{1}' {2} --rank 1 --master {3} > rank1.txt 2>&1 & p=$!; "
      "'{1}' {2} --rank 0 --master {3} > stdout.txt 2> stderr.txt & q=$!; sleep 4; kill -9 $p; wait $q; echo $? > code0.txt; true)",
      dir_.string(), NLHF_CLI_PATH, run, master);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(std::system(script.c_str()), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(50));
  EXPECT_EQ(Read("code0.txt"), "1\n") << Read("stderr.txt");
  EXPECT_THAT(Read("stderr.txt"), HasSubstr("did another rank stop?"));
  EXPECT_FALSE(fs::exists(dir_ / "trace.csv"));
}

}  // namespace
}  // namespace nlhf
