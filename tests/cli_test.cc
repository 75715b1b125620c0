// The `nlhf` command as a user runs it: exit codes, JSON output, files written, error messages.
#include <fmt/format.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "nlhf/io/atomic_file.h"
#include "nlhf/io/batch_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/registry.h"
#include "cli_fixture.h"
#include "testing.h"

namespace nlhf {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

TEST_F(Cli, SolveSoccerJsonHasTheRequiredKeysAndTheKnownSupport) {
  const CommandRun run = Nlhf("solve " + Soccer() + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json out = run.Json();
  for (const char* key : {"algorithm", "n", "iterations", "duality_gap", "converged", "termination", "policy",
                          "log_policy", "support", "responses"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }
  EXPECT_EQ(out["n"], 10);
  EXPECT_TRUE(out["converged"].get<bool>());
  EXPECT_LE(out["duality_gap"].get<double>(), 1e-9);
  EXPECT_EQ(out["support"], json({1, 8, 9}));
  EXPECT_EQ(out["termination"], "converged");
}

TEST_F(Cli, DefaultSummaryShowsTheEquilibriumAndItsCertificate) {
  const CommandRun run = Nlhf("solve " + Soccer());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("converged"));
  EXPECT_THAT(run.out, HasSubstr("duality gap (certificate)"));
  EXPECT_THAT(run.out, HasSubstr("0.5217"));
}

TEST_F(Cli, DefaultsCertifyEveryBriefInstance) {
  struct Case {
    std::string generate;
    std::string solve_flags;
  };
  const std::vector<Case> cases = {{"rps", ""},
                                   {"cyclic3", ""},
                                   {"planted --n 10 --seed 1", ""},
                                   {"planted --n 11 --seed 2", ""},
                                   {"random --n 10 --seed 3", ""},
                                   {"random --n 100 --seed 1", ""},
                                   {"transitive --n 10 --seed 4", ""},
                                   {"hard2x2 --delta 0.01", ""}};
  for (const Case& c : cases) {
    ASSERT_EQ(Nlhf("generate " + c.generate + " --out game.json").exit_code, 0) << c.generate;
    const CommandRun run = Nlhf("solve game.json --json" + c.solve_flags);
    ASSERT_EQ(run.exit_code, 0) << c.generate << ": " << run.err;
    EXPECT_TRUE(run.Json()["converged"].get<bool>()) << c.generate << ": " << run.out;
    EXPECT_LE(run.Json()["duality_gap"].get<double>(), 1e-9) << c.generate;
  }
}

// Without --algo the algorithm is chosen by size and the choice is printed: OMWU below
// kDefaultInteriorPointActions actions, the interior point method below kDefaultPdhgActions, PDHG from there
// on (registry_test: DefaultAlgorithm's sizes; certified, where OMWU may
// take minutes); --eta alone means OMWU; --algo always wins.
TEST_F(Cli, DefaultAlgorithmIsChosenBySizeAndSaid) {
  const CommandRun small = Nlhf("solve " + Soccer() + " --json");
  ASSERT_EQ(small.exit_code, 0) << small.err;
  EXPECT_THAT(small.Json()["algorithm"].get<std::string>(), HasSubstr("omwu("));
  EXPECT_THAT(small.Json()["algorithm_choice"].get<std::string>(), HasSubstr("10 actions < 200"));

  ASSERT_EQ(Nlhf(fmt::format("generate random --n {} --seed 4 --out middle.npy", kDefaultInteriorPointActions))
                .exit_code,
            0);
  const CommandRun middle = Nlhf("solve middle.npy --json");
  ASSERT_EQ(middle.exit_code, 0) << middle.err;
  EXPECT_THAT(middle.Json()["algorithm"].get<std::string>(), HasSubstr("ipm("));
  EXPECT_THAT(middle.Json()["algorithm_choice"].get<std::string>(), HasSubstr("interior point"));
  EXPECT_TRUE(middle.Json()["converged"].get<bool>()) << middle.out;

  ASSERT_EQ(Nlhf(fmt::format("generate random --n {} --seed 4 --out big.npy", kDefaultPdhgActions)).exit_code, 0);
  const CommandRun big = Nlhf("solve big.npy --json");
  ASSERT_EQ(big.exit_code, 0) << big.err;
  EXPECT_THAT(big.Json()["algorithm"].get<std::string>(), HasSubstr("pdhg("));
  EXPECT_THAT(big.Json()["algorithm_choice"].get<std::string>(), HasSubstr("--algo omwu"));
  EXPECT_TRUE(big.Json()["converged"].get<bool>()) << big.out;
  EXPECT_LE(big.Json()["duality_gap"].get<double>(), 1e-9);
  EXPECT_THAT(Nlhf("solve big.npy").out, HasSubstr("algorithm: pdhg"));

  const CommandRun with_eta = Nlhf("solve big.npy --eta 1 --iters 5 --json");
  ASSERT_EQ(with_eta.exit_code, 0) << with_eta.err;
  EXPECT_THAT(with_eta.Json()["algorithm"].get<std::string>(), HasSubstr("omwu("));
  const CommandRun named = Nlhf("solve big.npy --algo omwu --no-polish --iters 5 --json");
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_THAT(named.Json()["algorithm"].get<std::string>(), HasSubstr("omwu("));
  EXPECT_FALSE(named.Json().contains("algorithm_choice"));
}

// On a terminal (util-linux's `script` gives the command one), a solve running past a second shows its
// iteration and gap on stderr; stdout keeps only the answer.
TEST_F(Cli, ALongSolveShowsItsProgressOnATerminal) {
  if (std::system("command -v script > /dev/null 2>&1") != 0) GTEST_SKIP() << "no util-linux script here";
  // Long enough to pass a second on a fast machine (n = 300 and 60,000 iterations took 0.5 s on one).
  ASSERT_EQ(Nlhf("generate random --n 400 --seed 2 --out g.npy").exit_code, 0);
  const std::string command = fmt::format(
      "cd '{}' && script -qec \"'{}' solve g.npy --algo omwu --no-polish --iters 100000 --json > out.json\" "
      "/dev/null > terminal.txt", dir_.string(), NLHF_CLI_PATH);
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string terminal = ReadWholeFile((dir_ / "terminal.txt").string());
  EXPECT_THAT(terminal, HasSubstr("omwu: iteration"));
  EXPECT_THAT(terminal, HasSubstr(", gap "));
  EXPECT_EQ(nlohmann::json::parse(ReadWholeFile((dir_ / "out.json").string()))["iterations"], 100000);
}

TEST_F(Cli, GenerateWritesEachFormatThatSolveReads) {
  for (const char* name : {"g.txt", "g.json", "g.npy", "g.csv"}) {
    ASSERT_EQ(Nlhf(fmt::format("generate random --n 6 --seed 2 --out {}", name)).exit_code, 0) << name;
    const CommandRun run = Nlhf(fmt::format("solve {} --algo lp --json", name));
    ASSERT_EQ(run.exit_code, 0) << name << run.err;
    EXPECT_EQ(run.Json()["n"], 6);
  }
  // Same seed, same game.
  EXPECT_EQ(ReadWholeFile((dir_ / "g.txt").string()), ReadWholeFile((dir_ / "g.csv").string()));
}

TEST_F(Cli, GeneratePlantedRecordsTheEquilibrium) {
  ASSERT_EQ(Nlhf("generate planted --n 5 --seed 1 --out p.json").exit_code, 0);
  const MatrixFile file = ReadMatrixFile((dir_ / "p.json").string());
  ASSERT_TRUE(file.nash_equilibrium.has_value());
  EXPECT_EQ(file.nash_equilibrium->size(), 5);
  const CommandRun text = Nlhf("generate planted --n 5 --seed 1");
  EXPECT_THAT(text.out, HasSubstr("# nash_equilibrium:"));
}

TEST_F(Cli, PayoffFlagSolvesATwoPlayerGame) {
  Write("game.txt", "3 0\n1 2\n");  // NE x = (1/4, 3/4), y = (1/2, 1/2)
  const CommandRun run = Nlhf("solve game.txt --payoff --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json out = run.Json();
  EXPECT_TRUE(out["converged"].get<bool>());
  EXPECT_NEAR(out["row_policy"][0].get<double>(), 0.25, 1e-6);
  EXPECT_NEAR(out["column_policy"][1].get<double>(), 0.5, 1e-6);
  EXPECT_EQ(out["game"], "payoff");
}

TEST_F(Cli, IterationLimitIsExitZeroAndSaysSo) {
  const CommandRun run = Nlhf("solve " + Soccer() + " --no-polish --iters 5 --json");
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_FALSE(run.Json()["converged"].get<bool>());
  EXPECT_EQ(run.Json()["termination"], "max_iterations");
  EXPECT_EQ(run.Json()["iterations"], 5);
  const CommandRun human = Nlhf("solve " + Soccer() + " --no-polish --iters 5");
  EXPECT_THAT(human.out, HasSubstr("DID NOT CONVERGE"));
  EXPECT_THAT(human.out, HasSubstr("iteration limit 5"));
}

TEST_F(Cli, TraceIsWrittenAsCsvWithOptionalPolicyColumns) {
  ASSERT_EQ(Nlhf("solve " + Soccer() + " --no-polish --iters 100 --trace t.csv --trace-every 10 --trace-policy")
                .exit_code,
            0);
  const std::string csv = ReadWholeFile((dir_ / "t.csv").string());
  EXPECT_THAT(csv, HasSubstr("iteration,duality_gap,regularized_gap,min_log_probability,l1_change,log_pi_0,"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 11);  // header, iterations 0, 10, ..., 100
}

TEST_F(Cli, InitFromALogProbabilityFileIsNormalizedAndUsed) {
  ASSERT_EQ(Nlhf("generate cyclic3 --out c.txt").exit_code, 0);
  Write("init.json", "[-5000, 0, 0]");
  const CommandRun start = Nlhf("solve c.txt --init init.json --iters 0 --no-polish --json");
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_NEAR(start.Json()["log_policy"][0].get<double>(), -5000 - std::log(2.0), 1e-9);
  Write("init50.json", "{\"log_policy\": [-50, 0, 0]}");
  const CommandRun run = Nlhf("solve c.txt --init init50.json --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.Json()["converged"].get<bool>());
}

// --init exact warm-starts OMWU from the interior point method's equilibrium: plain OMWU from there
// certifies the soccer game in fewer iterations than from the uniform policy, with the same support.
TEST_F(Cli, OmwuWarmStartedFromTheExactSolver) {
  const CommandRun warm = Nlhf("solve " + Soccer() + " --algo omwu --no-polish --init exact --json");
  const CommandRun cold = Nlhf("solve " + Soccer() + " --algo omwu --no-polish --json");
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  ASSERT_EQ(cold.exit_code, 0) << cold.err;
  EXPECT_TRUE(warm.Json()["converged"].get<bool>());
  EXPECT_LT(warm.Json()["iterations"].get<int>(), cold.Json()["iterations"].get<int>());
  EXPECT_EQ(warm.Json()["support"], cold.Json()["support"]);
  const CommandRun start = Nlhf("solve " + Soccer() + " --algo omwu --no-polish --init exact:0.01 --iters 0 --json");
  ASSERT_EQ(start.exit_code, 0) << start.err;
  EXPECT_GT(start.Json()["duality_gap"].get<double>(), 1e-5);  // 1% of uniform mixed in: visibly off
  EXPECT_LT(start.Json()["duality_gap"].get<double>(), 0.02);
  ExpectUsageError("solve " + Soccer() + " --init exact:2", {"--init exact:2", "in (0, 1]"});
  ExpectUsageError("solve " + Soccer() + " --init exact:x", {"--init exact:x", "in (0, 1]"});
}

TEST_F(Cli, SameSeedSameNumbers) {
  const CommandRun first = Nlhf("solve " + Soccer() + " --init random --seed 7 --no-polish --json");
  const CommandRun second = Nlhf("solve " + Soccer() + " --init random --seed 7 --no-polish --json");
  EXPECT_EQ(first.Json()["policy"], second.Json()["policy"]);
  EXPECT_EQ(first.Json()["iterations"], second.Json()["iterations"]);
}

TEST_F(Cli, AByteOrderMarkFromASpreadsheetExportIsIgnored) {
  Write("p.csv", "\xEF\xBB\xBF" "0.5,0.9\n0.1,0.5\n");
  const CommandRun run = Nlhf("solve p.csv --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NEAR(run.Json()["policy"][0].get<double>(), 1.0, 1e-9);
  Write("b.csv", "\xEF\xBB\xBF" "model_a,model_b,winner\nx,y,model_a\n");
  EXPECT_EQ(Nlhf("rank b.csv --json").exit_code, 0);
}

TEST_F(Cli, SymmetrizeRepairsAndReportsTheMove) {
  Write("p.txt", "0.5 0.7\n0.2 0.5\n");
  ExpectUsageError("solve p.txt", {"p.txt:1: row 1, column 2", "P + Pᵀ must equal 1", "--symmetrize"});
  const CommandRun run = Nlhf("solve p.txt --symmetrize --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NEAR(run.Json()["symmetrize_max_change"].get<double>(), 0.05, 1e-12);
  EXPECT_NEAR(run.Json()["policy"][0].get<double>(), 1.0, 1e-9);
}

TEST_F(Cli, AlgorithmsListsEveryMethodWithItsParameters) {
  const CommandRun run = Nlhf("algorithms --json");
  ASSERT_EQ(run.exit_code, 0);
  const json out = run.Json();
  std::vector<std::string> names;
  for (const auto& a : out["algorithms"]) names.push_back(a["name"]);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"omwu", "mwu", "mwu-avg", "lp"}));
  EXPECT_THAT(Nlhf("algorithms").out, HasSubstr("eta=1"));
}

TEST_F(Cli, HelpExitsZero) {
  EXPECT_EQ(Nlhf("--help").exit_code, 0);
  const CommandRun run = Nlhf("solve --help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("--eta"));
}

TEST_F(Cli, CompareAllOnSoccerWritesSummaryTracesAndFigure) {
  const CommandRun run = Nlhf("compare " + Soccer() + " --algos all --out cmp --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json summary = json::parse(ReadWholeFile((dir_ / "cmp" / "summary.json").string()));
  EXPECT_EQ(run.Json(), summary);
  std::map<std::string, json> by_name;
  for (const auto& m : summary["methods"]) by_name[m["name"]] = m;
  EXPECT_EQ(by_name.size(), Algorithms().size());
  for (const char* regularized : {"nash-md", "online-ipo", "mmd"}) {
    EXPECT_LT(by_name["omwu"]["final_gap"].get<double>(), by_name[regularized]["final_gap"].get<double>());
  }
  EXPECT_TRUE(by_name["omwu"]["iterations_to"]["1e-9"].is_number());
  EXPECT_TRUE(by_name["mwu"]["iterations_to"]["1e-9"].is_null());
  EXPECT_GT(fs::file_size(dir_ / "cmp" / "gap.png"), 10000u);
  EXPECT_TRUE(fs::exists(dir_ / "cmp" / "gap.gp"));
  const std::string trace = ReadWholeFile((dir_ / "cmp" / "traces" / "omwu_seed0.csv").string());
  EXPECT_THAT(trace, HasSubstr("iteration,duality_gap,regularized_gap"));
}

TEST_F(Cli, CompareOnGeneratedGamesWithSeeds) {
  const CommandRun run = Nlhf("compare --generate planted --n 5 --seeds 3 --algos omwu,mmd --iters 500 "
                              "--param mmd:beta=0.2 --out g --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.Json()["seeds"], 3);
  EXPECT_EQ(run.Json()["methods"][1]["spec"], "mmd(eta=1,beta=0.2)");
  EXPECT_TRUE(fs::exists(dir_ / "g" / "traces" / "mmd_seed2.csv"));
  // η is the step size everywhere: --eta, and eta as a --param name.
  const CommandRun eta = Nlhf("compare --generate planted --n 5 --algos omwu,mmd --iters 50 --eta 0.5 "
                              "--param mmd:eta=0.25 --out e --json");
  ASSERT_EQ(eta.exit_code, 0) << eta.err;
  EXPECT_EQ(eta.Json()["methods"][0]["spec"], "omwu(eta=0.5)");
  EXPECT_EQ(eta.Json()["methods"][1]["spec"], "mmd(eta=0.25,beta=0.05)");
}

TEST_F(Cli, CompareRejectsBadRequests) {
  ExpectUsageError("compare " + Soccer() + " --algos omwu,nope", {"unknown algorithm 'nope'"});
  ExpectUsageError("compare " + Soccer() + " --seeds 3", {"--init random"});
  ExpectUsageError("compare", {"FILE or --generate"});
  ExpectUsageError("compare " + Soccer() + " --algos mmd --param mmd:beta=-2", {"mmd: beta = -2"});
  ExpectUsageError("compare " + Soccer() + " --algos nash-md,nash-md", {"'nash-md' is listed twice"});
  ExpectUsageError("compare " + Soccer() + " --algos omwu --eta 0", {"--eta 0: the step size must be a positive"});
}

TEST_F(Cli, RankSoccerJsonHasTheDocumentedKeys) {
  const CommandRun run = Nlhf("rank " + Soccer() + " --json --csv table.csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json out = run.Json();
  for (const char* key : {"candidates", "duality_gap", "condorcet_winner", "top_cycle", "solver", "format"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }
  EXPECT_LE(out["duality_gap"].get<double>(), 1e-9);
  EXPECT_EQ(out["candidates"][0]["name"], "1");
  for (const char* key : {"name", "ne_probability", "beats_ne_probability", "bt_rating", "comparisons"}) {
    EXPECT_TRUE(out["candidates"][0].contains(key)) << key;
  }
  EXPECT_TRUE(out["condorcet_winner"].is_null());
  EXPECT_THAT(ReadWholeFile((dir_ / "table.csv").string()), HasSubstr("candidate,ne_probability"));
}

TEST_F(Cli, RankReadsEveryFormat) {
  const std::string data = std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/";
  for (const std::string& args : {data + "battles.csv", data + "pairwise.csv --score-range -1000,1000",
                                  data + "scores.tsv", data + "votes.toi", data + "votes.soc"}) {
    const CommandRun run = Nlhf("rank " + args + " --json");
    ASSERT_EQ(run.exit_code, 0) << args << ": " << run.err;
    EXPECT_LE(run.Json()["duality_gap"].get<double>(), 1e-9) << args;
  }
  const CommandRun boot = Nlhf("rank " + data + "battles.csv --bootstrap 20 --seed 5 --json");
  ASSERT_EQ(boot.exit_code, 0) << boot.err;
  EXPECT_TRUE(boot.Json()["candidates"][0].contains("ne_interval"));
  EXPECT_EQ(boot.out, Nlhf("rank " + data + "battles.csv --bootstrap 20 --seed 5 --json").out);
  const CommandRun contexts = Nlhf("rank " + data + "battles.csv --context question_id --per-context --json");
  ASSERT_EQ(contexts.exit_code, 0) << contexts.err;
  EXPECT_EQ(contexts.Json()["contexts"].size(), 3u);
  EXPECT_THAT(contexts.err, HasSubstr("never compared"));
}

// Battle logs as evaluators have them: JSON Lines from standard input ("-"), columns named by flags,
// the winner as a model's name; the ranking equals the one of the same battles as a CSV file.
TEST_F(Cli, RankReadsJsonLinesFromStandardInputWithMappedColumns) {
  Write("b.jsonl",
        "{\"first\": \"x\", \"second\": \"y\", \"judge\": \"x\"}\n"
        "{\"first\": \"y\", \"second\": \"z\", \"judge\": \"y\"}\n"
        "{\"first\": \"z\", \"second\": \"x\", \"judge\": \"x\"}\n"
        "{\"first\": \"z\", \"second\": \"y\", \"judge\": \"tie\"}\n");
  Write("b.csv", "model_a,model_b,winner\nx,y,model_a\ny,z,model_a\nz,x,model_b\nz,y,tie\n");
  const CommandRun piped = Nlhf("rank - --model-a first --model-b second --winner judge --json", "b.jsonl");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  const CommandRun file = Nlhf("rank b.csv --json");
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(piped.Json()["candidates"], file.Json()["candidates"]);
  EXPECT_EQ(piped.Json()["file"], "-");
  const CommandRun unmapped = Nlhf("rank - --winner judge", "b.jsonl");
  EXPECT_EQ(unmapped.exit_code, 2);
  EXPECT_THAT(unmapped.err, HasSubstr("<stdin>:1: no 'model_a' field"));
  EXPECT_THAT(unmapped.err, HasSubstr("--model-a"));
}

TEST_F(Cli, RankRejectsMalformedInput) {
  Write("b.csv", "model_a,model_b,winner\nx,y,model_a\nx,y,won\n");
  ExpectUsageError("rank b.csv", {"b.csv:3", "winner 'won'"});
  Write("m.csv", "model_a,model_b,winner\nx,y,model_a\n");
  ExpectUsageError("rank m.csv --context question_id", {"m.csv:1", "no 'question_id' column"});
  Write("t.tsv", "a\tb\tc\n1\t2\t3\n1\t2\t3\t4\t5\n");
  ExpectUsageError("rank t.tsv --format score-table", {"t.tsv:3", "5 fields"});
  ExpectUsageError("rank b.csv --format battles --transpose", {"--transpose reads a score table; the format is battles"});
  Write("v.soc", "# ALTERNATIVE NAME 1: A\n1: 1\n");
  ExpectUsageError("rank v.soc", {"v.soc", "bad PrefLib header"});
  ExpectUsageError("rank " + Soccer() + " --bootstrap 10", {"--bootstrap needs the individual comparisons"});
  ExpectUsageError("rank " + Soccer() + " --per-context", {"--per-context needs --context"});
  ExpectUsageError("rank " + Soccer() + " --prior -1", {"--prior"});
  ExpectUsageError("rank " + Soccer() + " --bt-prior -5", {"--bt-prior"});
}

// Score tables and judgments get Nash averaging beside the NE and BT: in the table, the CSV and the JSON.
TEST_F(Cli, RankNashAveragesJudgments) {
  const std::string judgments = std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/mtbench_ja_judgments.jsonl";
  const CommandRun run = Nlhf("rank " + judgments + " --csv table.csv");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Nash averaging (agents vs 12 tasks)"));
  EXPECT_THAT(run.out, HasSubstr("Nash skill"));
  EXPECT_THAT(ReadWholeFile((dir_ / "table.csv").string()), HasSubstr(",nash_skill,nash_probability\n"));
  const json out = Nlhf("rank " + judgments + " --json").Json();
  EXPECT_LE(out["nash_averaging"]["duality_gap"].get<double>(), 1e-9);
  EXPECT_EQ(out["nash_averaging"]["tasks"].size(), 12u);
  EXPECT_TRUE(out["candidates"][0].contains("nash_skill"));
  EXPECT_TRUE(Nlhf("rank " + Soccer() + " --json").Json()["nash_averaging"].is_null());
}

// nlhf run: the shipped quick experiment, shortened with --set, in parallel; the files it promises; a
// mistake in the file is an exit-2 error naming the line.
TEST_F(Cli, RunRunsAnExperimentFile) {
  const std::string quick = std::string(NLHF_SOURCE_DIR) + "/experiments/quick.yaml";
  const CommandRun dry = Nlhf("run " + quick + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("3 game(s) x 4 method(s) x 3 seed(s) = 36 runs"));
  const CommandRun run = Nlhf("run " + quick + " --set iterations=200 --out results --jobs 2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("36 runs into results/"));
  for (const char* file : {"runs.csv", "summary.csv", "report.md", "experiment.json", "runs/r0035.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ / "results" / file)) << file;
  }
  Write("bad.yaml", "games:\n  - generate: random\nmethods:\n  - algo: omwu\n    step: 2\n");
  ExpectUsageError("run bad.yaml", {"bad.yaml:5:5: unknown key 'step' in a method (known: algo, eta, params, iterations)"});
  ExpectUsageError("run bad.yaml --set methods.0=3", {"--set methods.0=3: a method must be a mapping"});
  ExpectUsageError("run missing.yaml", {"missing.yaml"});
}

// Without --algo, batch chooses per game as solve does: OMWU for small games, the interior point method
// from 200 actions; each line says which and why. --algo and --eta still name one method for all.
TEST_F(Cli, BatchChoosesTheSolverByEachGamesSize) {
  ASSERT_EQ(Nlhf("generate random --n 6 --count 1 --seed 1 --out small.jsonl").exit_code, 0);
  ASSERT_EQ(Nlhf("generate random --n 260 --count 1 --seed 2 --out large.jsonl").exit_code, 0);
  Write("mixed.jsonl", Read("small.jsonl") + Read("large.jsonl"));
  const CommandRun run = Nlhf("batch mixed.jsonl");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream stream(run.out);
  std::vector<json> lines;
  for (std::string line; std::getline(stream, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0]["algorithm"].get<std::string>(), HasSubstr("omwu"));
  EXPECT_THAT(lines[0]["algorithm_choice"].get<std::string>(), HasSubstr("omwu"));
  EXPECT_THAT(lines[1]["algorithm"].get<std::string>(), ::testing::StartsWith("ipm"));
  EXPECT_THAT(lines[1]["algorithm_choice"].get<std::string>(), HasSubstr("260 actions"));
  for (const json& line : lines) EXPECT_TRUE(line["converged"].get<bool>()) << line.dump();
  const CommandRun named = Nlhf("batch mixed.jsonl --eta 0.5 --iters 10");
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_THAT(named.out, ::testing::Not(HasSubstr("\"ipm(")));
}

TEST_F(Cli, BatchSolvesJsonLinesAndEgpoTextWithOneCertificatePerGame) {
  ASSERT_EQ(Nlhf("generate random --n 8 --count 50 --seed 3 --out games.jsonl").exit_code, 0);
  const CommandRun run = Nlhf("batch games.jsonl --tol 1e-10");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  int lines = 0;
  std::istringstream stream(run.out);
  for (std::string line; std::getline(stream, line); ++lines) {
    const json game = json::parse(line);
    EXPECT_TRUE(game["converged"].get<bool>()) << line;
    EXPECT_LE(game["duality_gap"].get<double>(), 1e-10);
    EXPECT_EQ(game["context"], fmt::format("random seed {}", 3 + lines));
  }
  EXPECT_EQ(lines, 50);
  EXPECT_THAT(run.err, HasSubstr("50 games, 50 certified"));

  const CommandRun egpo = Nlhf("batch " + std::string(NLHF_SOURCE_DIR) + "/tests/data/egpo_batch.txt --out r.jsonl");
  ASSERT_EQ(egpo.exit_code, 0) << egpo.err;
  const std::string results = ReadWholeFile((dir_ / "r.jsonl").string());
  const json first = json::parse(results.substr(0, results.find('\n')));
  EXPECT_EQ(first["context"], "Run 0");
  EXPECT_NEAR(first["policy"][1].get<double>(), 3.0 / 11, 1e-9);  // cyclic3's (4, 3, 4)/11
}

// The same games as JSON Lines and as one (games, n, n) .npy array give the same answers, game by game.
TEST_F(Cli, BatchReadsANpyArrayOfGamesAsItReadsJsonLines) {
  ASSERT_EQ(Nlhf("generate random --n 7 --count 40 --seed 5 --out games.jsonl").exit_code, 0);
  ASSERT_EQ(Nlhf("generate random --n 7 --count 40 --seed 5 --out games.npy").exit_code, 0);
  const CommandRun text = Nlhf("batch games.jsonl --tol 1e-10");
  const CommandRun binary = Nlhf("batch games.npy --tol 1e-10");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(binary.exit_code, 0) << binary.err;
  std::istringstream text_lines(text.out), binary_lines(binary.out);
  int games = 0;
  for (std::string a, b; std::getline(text_lines, a) && std::getline(binary_lines, b); ++games) {
    json from_text = json::parse(a), from_binary = json::parse(b);
    EXPECT_EQ(from_binary["context"], std::to_string(games));  // NumPy's index
    from_text.erase("context");
    from_binary.erase("context");
    EXPECT_EQ(from_text, from_binary);
  }
  EXPECT_EQ(games, 40);
  EXPECT_THAT(binary.err, HasSubstr("40 games, 40 certified"));

  // A bad game is named by its index; other ranks and truncated data are refused with the rule.
  Eigen::MatrixXd good(2, 2), bad(2, 2);
  good << 0.5, 0.5, 0.5, 0.5;
  bad << 0.5, 0.9, 0.5, 0.5;
  Write("bad.npy", FormatNpyBatchHeader(3, 2) + FormatNpyBatchGame(good) + FormatNpyBatchGame(good) +
                       FormatNpyBatchGame(bad));
  ExpectUsageError("batch bad.npy", {"bad.npy[2]", "P + Pᵀ must equal 1"});
  Write("short.npy", FormatNpyBatchHeader(3, 2) + FormatNpyBatchGame(good));
  ExpectUsageError("batch short.npy", {"short.npy", "holds 32 bytes but shape (3, 2, 2)"});
}

// A large batch is solved and written in blocks (8,192 games each): the lines written to a file are those
// printed, in input order, and a bad game in a later block still leaves no output file behind.
TEST_F(Cli, BatchWritesLargeBatchesInOrderAndWholeOrNotAtAll) {
  constexpr int kGames = 20'000;  // three blocks, the last one partial
  std::string games = FormatNpyBatchHeader(kGames, 2), with_bad_game = games;
  for (int k = 0; k < kGames; ++k) {
    const double p = (k % 101) / 100.0;  // game k's equilibrium is pure unless p = 1/2
    Eigen::MatrixXd preferences(2, 2);
    preferences << 0.5, p, 1 - p, 0.5;
    games += FormatNpyBatchGame(preferences);
    if (k == 17'000) preferences(0, 1) = 0.9;  // no longer complementary
    with_bad_game += FormatNpyBatchGame(preferences);
  }
  Write("games.npy", games);
  const CommandRun printed = Nlhf("batch games.npy --tol 1e-10");
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  ASSERT_EQ(Nlhf("batch games.npy --tol 1e-10 --out r.jsonl").exit_code, 0);
  EXPECT_EQ(Read("r.jsonl"), printed.out);
  std::istringstream lines(printed.out);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const json game = json::parse(line);
    ASSERT_EQ(game["context"], std::to_string(count));
    const double p = (count % 101) / 100.0;
    EXPECT_NEAR(game["policy"][0].get<double>(), p > 0.5 ? 1.0 : p < 0.5 ? 0.0 : 0.5, 1e-9) << line;
  }
  EXPECT_EQ(count, kGames);
  const CommandRun whole = Nlhf("batch games.npy --tol 1e-10 --json --out all.json");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const json all = json::parse(Read("all.json"));
  EXPECT_EQ(all["games"], kGames);
  EXPECT_EQ(all["certified"], kGames);
  ASSERT_EQ(all["results"].size(), static_cast<size_t>(kGames));
  EXPECT_EQ(all["results"][kGames - 1], json::parse(printed.out.substr(printed.out.rfind('\n', printed.out.size() - 2) + 1)));

  Write("bad.npy", with_bad_game);
  Write("previous.jsonl", "kept\n");
  ExpectUsageError("batch bad.npy --out previous.jsonl", {"bad.npy[17000]", "P + Pᵀ must equal 1"});
  EXPECT_EQ(Read("previous.jsonl"), "kept\n");
  ExpectUsageError("batch bad.npy --out fresh.jsonl", {"bad.npy[17000]"});
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find("fresh.jsonl"), std::string::npos) << entry.path();
  }
}

// --out-dir alone writes one part and its manifest; `nlhf merge` gives back --out's bytes, and refuses,
// naming the file and the rule and writing nothing, a folder whose parts are missing, short or unnamed.
TEST_F(Cli, BatchPartsMergeBackAndMergeRefusesIncompleteFolders) {
  ASSERT_EQ(Nlhf("generate random --n 5 --count 40 --seed 3 --out games.jsonl").exit_code, 0);
  ASSERT_EQ(Nlhf("batch games.jsonl --out one.jsonl").exit_code, 0);
  ASSERT_EQ(Nlhf("batch games.jsonl --out-dir parts").exit_code, 0);
  ASSERT_EQ(Nlhf("merge parts --out merged.jsonl").exit_code, 0);
  EXPECT_EQ(Read("merged.jsonl"), Read("one.jsonl"));
  const CommandRun to_stdout = Nlhf("merge parts");
  ASSERT_EQ(to_stdout.exit_code, 0);
  EXPECT_EQ(to_stdout.out, Read("one.jsonl"));

  const std::string part = Read("parts/part-00000-of-00001.jsonl");
  struct Case {
    std::string part, manifest, message;
  };
  const std::string manifest = Read("parts/manifest.json");
  std::string three_parts = manifest;
  three_parts.replace(three_parts.find("40\n ]"), 2, "38, 1, 1");
  for (const Case& c : std::vector<Case>{
           {part.substr(0, part.size() - 1), manifest, "39 complete lines; manifest.json says this part holds 40"},
           {part + part, manifest, "80 complete lines"},
           {part, "{\"format\": \"nlhf batch parts\"", "not JSON"},
           {part, "{\"format\": \"something else\"}", "not an nlhf batch manifest"},
           {part, manifest.substr(0, manifest.find("\"games\"")) + "\"games\": 41, \"gap_tolerance\": 1e-9, \"part_games\": [40]}",
            "holding 40 games in all; \"games\" says 41"},
           {part, three_parts, "part-00000-of-00003.jsonl: missing (manifest.json names 3 parts)"},
       }) {
    Write("parts/part-00000-of-00001.jsonl", c.part);
    Write("parts/manifest.json", c.manifest);
    const CommandRun run = Nlhf("merge parts --out bad.jsonl");
    EXPECT_EQ(run.exit_code, 2) << c.message;
    EXPECT_THAT(run.err, ::testing::HasSubstr(c.message));
    EXPECT_FALSE(fs::exists(dir_ / "bad.jsonl"));
  }
  fs::remove(dir_ / "parts" / "manifest.json");
  EXPECT_THAT(Nlhf("merge parts").err, ::testing::HasSubstr("did not finish"));
  EXPECT_EQ(Nlhf("batch games.jsonl --out-dir parts --json").exit_code, 2);
  EXPECT_EQ(Nlhf("batch games.jsonl --out-dir parts --out x.jsonl").exit_code, 2);
}

// --device cuda: on a GPU, every line certified as on the CPU; without one (or without a CUDA build), exit 2
// saying which and nothing written. What it cannot run is refused before any device is asked for.
TEST_F(Cli, BatchOnTheGpuRunsOrSaysWhyNot) {
  ASSERT_EQ(Nlhf("generate random --n 8 --count 300 --seed 4 --out games.jsonl").exit_code, 0);
  const CommandRun gpu = Nlhf("batch games.jsonl --device cuda --out gpu.jsonl");
  if (gpu.exit_code == 2) {
    EXPECT_THAT(gpu.err, ::testing::HasSubstr("--device cuda: "));
    EXPECT_THAT(gpu.err, ::testing::AnyOf(::testing::HasSubstr("no CUDA device is visible"),
                                          ::testing::HasSubstr("this build has no CUDA")));
    EXPECT_FALSE(fs::exists(dir_ / "gpu.jsonl"));
  } else {
    ASSERT_EQ(gpu.exit_code, 0) << gpu.err;
    std::istringstream lines(Read("gpu.jsonl"));
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
      const auto answer = nlohmann::json::parse(line);
      EXPECT_TRUE(answer["converged"].get<bool>()) << line;
      EXPECT_LE(answer["duality_gap"].get<double>(), 1e-9) << line;
      ++count;
    }
    EXPECT_EQ(count, 300);
  }
  const CommandRun other = Nlhf("batch games.jsonl --device cuda --algo pdhg");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, ::testing::HasSubstr("--device cuda runs omwu"));
  EXPECT_EQ(Nlhf("batch games.jsonl --device gpu").exit_code, 2);
}

TEST_F(Cli, BatchRejectsMalformedGamesNamingTheLine) {
  Write("g.jsonl", "{\"preferences\": [[0.5, 0.5], [0.5, 0.5]]}\n{\"preferences\": [[0.5, 0.9], [0.5, 0.5]]}\n");
  ExpectUsageError("batch g.jsonl", {"g.jsonl:2", "P + Pᵀ must equal 1"});
  Write("e.txt", "2 2 0\nRun 0\n0.5 0.5\n0.5 0.5\nRun 1\n0.5 0.5\n");
  ExpectUsageError("batch e.txt", {"e.txt:5", "'Run 1' has 1 rows, expected n = 2"});
  Write("h.txt", "two 2 0\n");
  ExpectUsageError("batch h.txt", {"h.txt:1"});
}

TEST_F(Cli, BenchReportsTheMedianRunAndTheFloor) {
  const CommandRun run = Nlhf("bench --n 12 --iters 500 --repeat 3 --layout packed --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(run.out);
  EXPECT_EQ(r["repeats"], 3);
  EXPECT_EQ(r["layout"], "packed");
  EXPECT_EQ(r["bytes_per_iteration"].get<double>(), 12 * 11 / 2 * 8.0);
  EXPECT_LE(r["fastest_microseconds_per_iteration"].get<double>(), r["microseconds_per_iteration"].get<double>());
  EXPECT_LE(r["microseconds_per_iteration"].get<double>(), r["slowest_microseconds_per_iteration"].get<double>());
  EXPECT_GT(r["read_bandwidth_gb_per_second"].get<double>(), 0);
  ExpectUsageError("bench --n 10 --repeat 0", {"--repeat", "must be a whole number from 1 to 2147483647, got 0"});
  ExpectUsageError("bench --n 10 --iters abc", {"--iters", "expected a whole number, got 'abc'"});
  ExpectUsageError("solve x.txt --tol -1", {"--tol", "must be >= 0, got -1"});
  ExpectUsageError("solve x.txt --tol nan", {"--tol", "must be >= 0, got nan"});
  ExpectUsageError("bench --n 1", {"--n"});
}

// --matrix-free reads the .npy straight into the operator and holds the game only there: pdhg by
// default, certified on that game (the same equilibrium as the dense solve within the f32 rounding),
// and what needs the matrix is refused.
TEST_F(Cli, MatrixFreeSolveOfANpyFile) {
  ASSERT_EQ(Nlhf("generate random --n 300 --seed 2 --out g.npy").exit_code, 0);
  const CommandRun dense = Nlhf("solve g.npy --json");
  ASSERT_EQ(dense.exit_code, 0) << dense.err;
  const CommandRun run = Nlhf("solve g.npy --matrix-free --storage f32 --tol 1e-7 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = run.Json();
  EXPECT_THAT(r["held_as"].get<std::string>(), HasSubstr("packed f32"));
  EXPECT_THAT(r["algorithm"].get<std::string>(), HasSubstr("pdhg("));
  EXPECT_THAT(r["algorithm_choice"].get<std::string>(), HasSubstr("held only as its operator (packed f32"));
  EXPECT_TRUE(r["converged"].get<bool>());
  EXPECT_LE(r["duality_gap"].get<double>(), 1e-7);
  EXPECT_FALSE(r["polished"].get<bool>());
  const auto policy = r["policy"].get<std::vector<double>>(), exact = dense.Json()["policy"].get<std::vector<double>>();
  double l1 = 0;
  for (size_t a = 0; a < policy.size(); ++a) l1 += std::abs(policy[a] - exact[a]);
  EXPECT_LT(l1, 1e-3);
  EXPECT_THAT(Nlhf("solve g.npy --matrix-free --tol 1e-7").out, HasSubstr("held only as its operator (packed f64"));
  ExpectUsageError("solve g.npy --matrix-free --algo ipm", {"ipm needs the dense payoff matrix"});
  Write("g.txt", "0.5 0.5\n0.5 0.5\n");
  ExpectUsageError("solve g.txt --matrix-free", {"--matrix-free reads .npy files only", "g.txt"});
}

// `bench --exact` with a layout builds each game only as that operator: pdhg certifies it (its gap
// recomputed by the bench), the peak memory is reported, and solvers that need the matrix are refused.
TEST_F(Cli, ExactBenchOnOperatorGames) {
  const CommandRun run = Nlhf("bench --exact --n 300 --games 2 --storage f32 --layout packed --tol 1e-7 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json r = json::parse(run.out);
  EXPECT_EQ(r["held_as"], "packed f32 operator");
  EXPECT_EQ(r["gap_tolerance"], 1e-7);
  EXPECT_GT(r["peak_resident_bytes"].get<double>(), 300 * 299 / 2 * 4.0);
  ASSERT_EQ(r["solvers"].size(), 1u);
  EXPECT_EQ(r["solvers"][0]["algorithm"], "pdhg");
  EXPECT_EQ(r["solvers"][0]["certified"], 2);
  for (const auto& gap : r["solvers"][0]["gaps"]) EXPECT_LE(gap.get<double>(), 1e-7);
  ExpectUsageError("bench --exact --n 50 --layout packed --algos pdhg,lp", {"lp needs the dense payoff matrix"});
  ExpectUsageError("bench --exact --n 50 --tol 0", {"--tol"});
}

// Every class of bad input: exit 2, a message naming the problem, nothing on stdout.
TEST_F(Cli, MissingFile) { ExpectUsageError("solve nope.txt", {"cannot open 'nope.txt'"}); }

TEST_F(Cli, MalformedNumber) {
  Write("p.txt", "0.5 0.5\n0.5 x1\n");
  ExpectUsageError("solve p.txt", {"p.txt:2:5", "'x1' is not a number"});
}

TEST_F(Cli, RaggedRows) {
  Write("p.txt", "0.5 0.5\n0.5\n");
  ExpectUsageError("solve p.txt", {"p.txt:2", "same length"});
}

TEST_F(Cli, NaNEntry) {
  Write("p.txt", "0.5 nan\n0.5 0.5\n");
  ExpectUsageError("solve p.txt", {"p.txt:1: row 1, column 2", "not finite"});
}

TEST_F(Cli, EntryOutOfRange) {
  Write("p.txt", "0.5 1.5\n-0.5 0.5\n");
  ExpectUsageError("solve p.txt", {"row 1, column 2", "[0, 1]"});
}

TEST_F(Cli, NonSquare) {
  Write("p.txt", "0.5 0.5 0.5\n0.5 0.5 0.5\n");
  ExpectUsageError("solve p.txt", {"square", "2×3"});
}

TEST_F(Cli, EmptyFile) {
  Write("p.txt", "# nothing\n");
  ExpectUsageError("solve p.txt", {"no matrix rows"});
}

TEST_F(Cli, BadJson) {
  Write("p.json", "{\"preferences\": [[0.5, 0.5], [0.5 0.5]]}");
  ExpectUsageError("solve p.json", {"p.json:1:", "invalid JSON"});
  Write("q.json", "{\"preferences\": [[0.5, true], [0.5, 0.5]]}");
  ExpectUsageError("solve q.json", {"preferences[0][1]", "expected a number"});
}

TEST_F(Cli, BadNpy) {
  Write("p.npy", "0.5 0.5\n0.5 0.5\n");
  ExpectUsageError("solve p.npy", {"p.npy", "magic"});
}

TEST_F(Cli, UnknownAlgorithmAndOption) {
  ExpectUsageError("solve " + Soccer() + " --algo nope", {"--algo", "nope"});
  ExpectUsageError("solve " + Soccer() + " --frobnicate", {"frobnicate"});
  ExpectUsageError("frobnicate", {"frobnicate"});
}

TEST_F(Cli, OutOfRangeOptions) {
  ExpectUsageError("solve " + Soccer() + " --eta -1", {"eta = -1", "eta > 0"});
  // The old spellings of eta still work, each with a note.
  const CommandRun old_flag = Nlhf("solve " + Soccer() + " --algo omwu --step-size 0.5 --no-polish --iters 50 --json");
  ASSERT_EQ(old_flag.exit_code, 0) << old_flag.err;
  EXPECT_THAT(old_flag.err, HasSubstr("--step-size is deprecated; use --eta"));
  EXPECT_EQ(old_flag.Json()["algorithm"], "omwu(eta=0.5)");
  const CommandRun old_param = Nlhf("solve " + Soccer() + " --algo omwu --param step_size=0.5 --no-polish --iters 50 --json");
  ASSERT_EQ(old_param.exit_code, 0) << old_param.err;
  EXPECT_THAT(old_param.err, HasSubstr("'step_size' is deprecated; the parameter is now 'eta'"));
  EXPECT_EQ(old_param.Json()["duality_gap"], old_flag.Json()["duality_gap"]);
  ExpectUsageError("solve " + Soccer() + " --iters -3", {"--iters"});
  ExpectUsageError("solve " + Soccer() + " --tol abc", {"--tol"});
  ExpectUsageError("solve " + Soccer() + " --algo lp --eta 1", {"lp has no parameter 'eta'"});
  ExpectUsageError("solve " + Soccer() + " --param step_size", {"NAME=NUMBER"});
  ExpectUsageError("generate random --n 0", {"--n"});
  ExpectUsageError("generate hard2x2 --delta 0.9", {"0 < delta < 0.5"});
}

TEST_F(Cli, BadInitFile) {
  Write("short.json", "[0, 0]");
  ExpectUsageError("solve " + Soccer() + " --init short.json", {"2 log-probabilities", "10 actions"});
  Write("null.json", "[0, null, 0, 0, 0, 0, 0, 0, 0, 0]");
  ExpectUsageError("solve " + Soccer() + " --init null.json", {"null.json", "is null"});
  ExpectUsageError("solve " + Soccer() + " --init missing.json", {"cannot open 'missing.json'"});
}

TEST_F(Cli, UnwritableOutputFailsCleanly) {
  ExpectUsageError("solve " + Soccer() + " --trace no-such-dir/t.csv", {"--trace 'no-such-dir/t.csv'", "the folder 'no-such-dir' does not exist"});
  ExpectUsageError("generate rps --out no-such-dir/g.txt", {"--out 'no-such-dir/g.txt'", "does not exist"});
}

}  // namespace
}  // namespace nlhf
