// `nlhf train` as a user runs it: its trace against `nlhf solve`, kill and resume, bad input.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli_fixture.h"
#include "nlhf/policy.h"

namespace nlhf {
namespace {

using ::testing::HasSubstr;

// Column `column` of a CSV file (header skipped) as numbers.
std::vector<double> CsvColumn(const fs::path& path, int column) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<double> values;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    for (int k = 0; k <= column; ++k) std::getline(fields, field, ',');
    values.push_back(std::stod(field));
  }
  return values;
}

// The acceptance check: a tabular policy trained with OMWU's loss and plain SGD traces the same
// gaps as `nlhf solve --algo omwu` at the same η.
TEST_F(Cli, TrainTabularTracesTheSameGapsAsSolve) {
  ASSERT_EQ(Nlhf("generate planted --n 20 --seed 3 --out game.txt").exit_code, 0);
  ASSERT_EQ(Nlhf("solve game.txt --algo omwu --eta 0.8 --no-polish --iters 300 --tol 0 --trace solve.csv").exit_code, 0);
  const CommandRun run = Nlhf("train --game game.txt --policy tabular --algo omwu --eta 0.8 --iters 300 "
                              "--trace train.csv --plot train.png --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<double> solved = CsvColumn(dir_ / "solve.csv", 1);
  const std::vector<double> trained = CsvColumn(dir_ / "train.csv", 1);
  ASSERT_EQ(solved.size(), 301u);
  ASSERT_EQ(trained.size(), 301u);
  for (size_t t = 0; t < solved.size(); ++t) ASSERT_NEAR(trained[t], solved[t], 1e-9) << "iteration " << t;
  const auto out = run.Json();
  for (const char* key : {"algorithm", "network", "backend", "iterations", "mean_gap", "max_gap", "queries",
                          "microseconds_per_iteration", "contexts"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }
  EXPECT_EQ(out["iterations"], 300);
  EXPECT_GT(fs::file_size(dir_ / "train.png"), 10000u);
  EXPECT_NEAR(out["mean_gap"].get<double>(), solved.back(), 1e-9);
}

// A run killed (SIGKILL) after a checkpoint and resumed writes the same trace, byte for byte, as a run
// never stopped: sampled feedback (the generator's state), OMWU's previous payoffs.
TEST_F(Cli, KilledAndResumedRunEqualsUninterruptedRun) {
  const std::string run = "train --generate random --n 30 --seed 2 --policy mlp --feedback sampled --samples 50 "
                          "--lr 0.01 --iters 30000 --log-every 100";
  ASSERT_EQ(Nlhf(run + " --trace straight.csv").exit_code, 0);
  // Started in the background and killed as soon as its first checkpoint is on disk.
  const std::string script = fmt::format(
      "cd '{}' && ('{}' {} --checkpoint ck --checkpoint-every 1000 > /dev/null 2>&1 & pid=$!; "
      "while [ ! -f ck/checkpoint.pt ] && kill -0 $pid 2> /dev/null; do sleep 0.002; done; kill -9 $pid 2> /dev/null; "
      "wait $pid; true)",
      dir_.string(), NLHF_CLI_PATH, run);
  ASSERT_EQ(std::system(script.c_str()), 0);
  ASSERT_TRUE(fs::exists(dir_ / "ck" / "checkpoint.pt"));
  const CommandRun resumed = Nlhf(run + " --resume ck --trace resumed.csv --json");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_GT(resumed.Json()["resumed_from"].get<int>(), 0);
  EXPECT_EQ(ReadWholeFile((dir_ / "resumed.csv").string()), ReadWholeFile((dir_ / "straight.csv").string()));
}

// --reference normal:SEED is the same π_ref as that policy written to a file (and as an experiment's
// {normal_logits: SEED}); it changes a regularized method's trajectory; bad values are usage errors.
TEST_F(Cli, TrainTakesAReferencePolicy) {
  const std::string run = "train --generate planted --n 9 --seed 1 --policy tabular --algo mmd --beta 0.2 --iters 50 --json";
  const CommandRun drawn = Nlhf(run + " --reference normal:4");
  ASSERT_EQ(drawn.exit_code, 0) << drawn.err;
  const Eigen::VectorXd reference = RandomLogPolicy(9, 4);
  Write("ref.json", fmt::format("[{:.17g}]", fmt::join(reference.data(), reference.data() + 9, ", ")));
  const CommandRun from_file = Nlhf(run + " --reference ref.json");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(drawn.Json()["mean_gap"], from_file.Json()["mean_gap"]);
  const CommandRun uniform = Nlhf(run);
  ASSERT_EQ(uniform.exit_code, 0) << uniform.err;
  EXPECT_NE(drawn.Json()["mean_gap"], uniform.Json()["mean_gap"]);
  ExpectUsageError(run + " --reference normal:x", {"--reference normal:x", "normal:SEED"});
  Write("short.json", "[0, -1]");
  ExpectUsageError(run + " --reference short.json", {"2 log-probabilities for 9 responses"});
}

// An experiment file with a neural policy (nlhf run) trains as `nlhf train` does with the same settings:
// the same final gap, with exact feedback and with sampled feedback at the default learning rate.
TEST_F(Cli, RunWithANeuralPolicyEqualsTrain) {
  Write("neural.yaml",
        "policy: mlp\niterations: 60\nseeds: [2]\nreference: {normal_logits: 4}\nfigures: false\n"
        "games:\n  - {generate: planted, n: 9, seed: 2}\n"
        "methods:\n  - {algo: mmd, params: {beta: 0.2, lr: 0.5}}\n  - {algo: omwu, eta: 0.7}\n");
  const CommandRun run = Nlhf("run neural.yaml --out exp");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto final_gap = [&](const std::string& id) {
    return nlohmann::json::parse(ReadWholeFile((dir_ / "exp" / "runs" / (id + ".json")).string()))["final_gap"].get<double>();
  };
  const std::string train = "train --generate planted --n 9 --seed 2 --policy mlp --iters 60 --reference normal:4 --json";
  const CommandRun mmd = Nlhf(train + " --algo mmd --beta 0.2 --lr 0.5");
  ASSERT_EQ(mmd.exit_code, 0) << mmd.err;
  EXPECT_NEAR(final_gap("r0000"), mmd.Json()["mean_gap"].get<double>(), 1e-12);
  const CommandRun omwu = Nlhf(train + " --algo omwu --eta 0.7");
  ASSERT_EQ(omwu.exit_code, 0) << omwu.err;
  EXPECT_NEAR(final_gap("r0001"), omwu.Json()["mean_gap"].get<double>(), 1e-12);
  EXPECT_NE(final_gap("r0000"), final_gap("r0001"));

  Write("sampled.yaml",
        "policy: mlp\ntrain: {feedback: sampled, samples: 20}\niterations: 40\nseeds: [2]\nfigures: false\n"
        "games:\n  - {generate: random, n: 8, seed: 2}\nmethods:\n  - algo: omwu\n");
  ASSERT_EQ(Nlhf("run sampled.yaml --out sampled").exit_code, 0);
  const CommandRun sampled = Nlhf("train --generate random --n 8 --seed 2 --policy mlp --iters 40 --feedback sampled "
                                  "--samples 20 --algo omwu --json");
  ASSERT_EQ(sampled.exit_code, 0) << sampled.err;
  const double experiment_gap = nlohmann::json::parse(
      ReadWholeFile((dir_ / "sampled" / "runs" / "r0000.json").string()))["final_gap"].get<double>();
  EXPECT_NEAR(experiment_gap, sampled.Json()["mean_gap"].get<double>(), 1e-12);
  // A batch of contexts (a .jsonl file, which is not one matrix) trains as `nlhf train --game` does.
  Write("contexts.jsonl", "{\"preferences\": [[0.5, 0.7, 0.2], [0.3, 0.5, 0.6], [0.8, 0.4, 0.5]]}\n"
                          "{\"preferences\": [[0.5, 0.1, 0.9], [0.9, 0.5, 0.3], [0.1, 0.7, 0.5]]}\n");
  Write("contexts.yaml", "policy: contextual\niterations: 100\nfigures: false\nreference: {normal_logits: 4}\n"
                         "games:\n  - file: contexts.jsonl\nmethods:\n  - algo: omwu\n  - {algo: mmd, params: {beta: 0.2}}\n");
  const CommandRun batch = Nlhf("run contexts.yaml --out contexts");
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  const CommandRun trained = Nlhf("train --game contexts.jsonl --policy contextual --iters 100 --algo omwu --json");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  EXPECT_NEAR(nlohmann::json::parse(ReadWholeFile((dir_ / "contexts" / "runs" / "r0000.json").string()))["final_gap"].get<double>(),
              trained.Json()["mean_gap"].get<double>(), 1e-12);
  EXPECT_THAT(ReadWholeFile((dir_ / "contexts" / "report.md").string()), HasSubstr("A batch of contexts"));
  // The N(0, 1) reference is drawn over the file's responses, as train's normal:SEED.
  const CommandRun regularized = Nlhf("train --game contexts.jsonl --policy contextual --iters 100 --algo mmd --beta 0.2 "
                                      "--reference normal:4 --json");
  ASSERT_EQ(regularized.exit_code, 0) << regularized.err;
  EXPECT_NEAR(nlohmann::json::parse(ReadWholeFile((dir_ / "contexts" / "runs" / "r0001.json").string()))["final_gap"].get<double>(),
              regularized.Json()["mean_gap"].get<double>(), 1e-12);
  // A sequence game with the transformer (game seed = run seed, as train's one --seed), on-policy sampled.
  Write("sequence.yaml", "policy: transformer\ntrain: {width: 8, feedback: sampled, samples: 4, fit_steps: 2}\n"
                         "iterations: 12\nseeds: [3]\nfigures: false\n"
                         "games:\n  - {sequence: {vocab: 2, length: 3, prompts: 2, transitivity: 0.1}, seed: 3}\n"
                         "methods:\n  - {algo: omwu, eta: 0.5}\n");
  const CommandRun sequence_run = Nlhf("run sequence.yaml --out sequence");
  ASSERT_EQ(sequence_run.exit_code, 0) << sequence_run.err;
  const CommandRun sequence_train = Nlhf("train --vocab 2 --length 3 --prompts 2 --transitivity 0.1 --seed 3 --policy "
                                         "transformer --width 8 --feedback sampled --samples 4 --fit-steps 2 --iters 12 "
                                         "--algo omwu --eta 0.5 --json");
  ASSERT_EQ(sequence_train.exit_code, 0) << sequence_train.err;
  EXPECT_NEAR(nlohmann::json::parse(ReadWholeFile((dir_ / "sequence" / "runs" / "r0000.json").string()))["final_gap"].get<double>(),
              sequence_train.Json()["mean_gap"].get<double>(), 1e-12);
  EXPECT_THAT(ReadWholeFile((dir_ / "sequence" / "report.md").string()), HasSubstr("Sequence games"));
  // An unknown neural method is named with its line.
  Write("bad.yaml", "policy: mlp\ngames:\n  - {generate: random, n: 4}\nmethods:\n  - algo: omwu\n  - algo: lp\n");
  ExpectUsageError("run bad.yaml --out bad", {"bad.yaml:6:5", "lp"});
}

// --seeds N runs the same training with seeds seed..seed+N-1 on the same game: each run equals the run
// made alone with that --seed; the median is theirs; the trace holds every run under a seed column.
TEST_F(Cli, TrainSeedsRunsEachSeedAsAlone) {
  ASSERT_EQ(Nlhf("generate random --n 8 --seed 2 --out game.txt").exit_code, 0);
  const std::string run = "train --game game.txt --policy mlp --feedback sampled --samples 20 --lr 0.01 --iters 60 "
                          "--log-every 20 --json";
  const CommandRun seeds = Nlhf(run + " --seeds 3 --seed 5 --trace all.csv");
  ASSERT_EQ(seeds.exit_code, 0) << seeds.err;
  const auto out = seeds.Json();
  ASSERT_EQ(out["seeds"].size(), 3u);
  std::vector<double> gaps;
  for (int k = 0; k < 3; ++k) {
    const CommandRun alone = Nlhf(run + fmt::format(" --seed {}", 5 + k));
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    EXPECT_EQ(out["seeds"][k]["seed"], 5 + k);
    EXPECT_EQ(out["seeds"][k]["mean_gap"], alone.Json()["mean_gap"]) << "seed " << 5 + k;
    gaps.push_back(alone.Json()["mean_gap"].get<double>());
  }
  std::sort(gaps.begin(), gaps.end());
  EXPECT_EQ(out["median_mean_gap"].get<double>(), gaps[1]);
  const std::string trace = ReadWholeFile((dir_ / "all.csv").string());
  EXPECT_EQ(trace.rfind("seed,iteration,", 0), 0u) << trace.substr(0, 80);
  EXPECT_EQ(std::count(trace.begin(), trace.end(), '\n'), 1 + 3 * 4);  // iterations 0, 20, 40, 60 per seed
  ExpectUsageError(run + " --seeds 2 --plot x.png", {"--seeds 2", "--plot"});
}

TEST_F(Cli, TrainRejectsBadInput) {
  ExpectUsageError("train --iters 10", {"--game FILE, --generate KIND or --vocab V"});
  Write("bad.txt", "0.5 0.7\n0.2 0.5\n");
  ExpectUsageError("train --game bad.txt", {"bad.txt", "P + Pᵀ"});
  Write("mixed.jsonl", "{\"preferences\": [[0.5, 0.6], [0.4, 0.5]]}\n"
                       "{\"preferences\": [[0.5, 0.6, 0.5], [0.4, 0.5, 0.5], [0.5, 0.5, 0.5]]}\n");
  ExpectUsageError("train --game mixed.jsonl", {"mixed.jsonl:2", "same number of responses"});
  Write("features.jsonl", "{\"preferences\": [[0.5, 0.6], [0.4, 0.5]], \"features\": [1, 2]}\n"
                          "{\"preferences\": [[0.5, 0.6], [0.4, 0.5]], \"features\": [1]}\n");
  ExpectUsageError("train --game features.jsonl", {"features.jsonl:2", "features"});
  Write("nan_feature.jsonl", "{\"preferences\": [[0.5, 0.6], [0.4, 0.5]], \"features\": [1, \"x\"]}\n");
  ExpectUsageError("train --game nan_feature.jsonl", {"nan_feature.jsonl:1", "\"features\"[1]", "finite number"});
  ExpectUsageError("train --generate rps --resume nowhere", {"--resume nowhere", "checkpoint.pt"});
  ExpectUsageError("train --generate rps --algo omwu --beta 0.1", {"omwu takes no beta"});
  ExpectUsageError("train --generate rps --algo nash-md --eta 2 --beta 1", {"eta·beta <= 1"});
  ExpectUsageError("train --generate rps --lr 0", {"learning_rate"});
  ExpectUsageError("train --generate rps --backend fused --optimizer adam", {"fused", "plain SGD"});
  ExpectUsageError("train --generate rps --device cuda", {"--device cuda"});
  ExpectUsageError("train --generate rps --device tpu", {"--device tpu"});
  ExpectUsageError("train --generate hard2x2", {"payoff game"});
  ExpectUsageError("train --generate rps --samples 10", {"--samples 10 applies to --feedback sampled"});
  ExpectUsageError("train --generate rps --checkpoint-every 10", {"--checkpoint-every", "--checkpoint"});
  // A checkpoint made with other settings is refused, naming the setting.
  ASSERT_EQ(Nlhf("train --generate rps --iters 5 --checkpoint ck").exit_code, 0);
  ExpectUsageError("train --generate rps --iters 10 --resume ck --lr 0.5", {"learning_rate", "resume"});
  Write("ck/checkpoint.pt", "not a checkpoint");
  ExpectUsageError("train --generate rps --iters 10 --resume ck", {"checkpoint.pt", "not a readable"});
}

// Outputs are checked before the run (a run of a hundred million iterations that would fail at its last
// write fails at once instead), and sizes beyond the machine's memory are refused with the estimate.
TEST_F(Cli, TrainChecksItsOutputsAndItsMemoryBeforeTheRun) {
  const std::string long_run = "train --generate random --n 5 --iters 100000000 ";
  ExpectUsageError(long_run + "--trace missing/t.csv", {"--trace 'missing/t.csv'", "does not exist"});
  ExpectUsageError(long_run + "--plot missing/g.png", {"--plot 'missing/g.png'", "does not exist"});
  Write("taken", "a file");
  ExpectUsageError(long_run + "--checkpoint taken/ck", {"--checkpoint 'taken/ck'", "'taken' is a file"});
  ExpectUsageError("train --generate random --n 5 --width 2000000000 --iters 1",
                   {"--width 2000000000", "of memory", "available"});
  ExpectUsageError("train --generate random --n 500 --contexts 100000 --iters 1", {"--contexts 100000", "of memory"});
  ExpectUsageError("train --generate random --n 5 --iters 1 --samples 5000000000 --feedback sampled",
                   {"--samples", "from 1 to 2147483647"});
}

// Sampled feedback gets its own default learning rate (0.01): with 1, the noisy payoff estimates made the
// gap grow (0.21 -> 0.34 and 0.37 -> 0.83 on these games); with the default it falls well below its start.
TEST_F(Cli, SampledFeedbackDefaultLearningRateLowersTheGap) {
  for (const int seed : {0, 2}) {
    const CommandRun run = Nlhf(fmt::format(
        "train --generate random --n 10 --seed {} --feedback sampled --iters 3000 --trace t.csv --json", seed));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto out = run.Json();
    EXPECT_EQ(out["learning_rate"].get<double>(), 0.01);
    std::istringstream trace(ReadWholeFile((dir_ / "t.csv").string()));
    std::string header, first;
    std::getline(trace, header);
    std::getline(trace, first);
    const double initial_gap = std::stod(first.substr(first.find(',') + 1));
    EXPECT_LT(out["mean_gap"].get<double>(), 0.5 * initial_gap) << "seed " << seed;
  }
}

// The readers' hardening holds for training input too (docs/reliability.md): a JSON bomb and a number
// beyond double's range are positioned errors, not a crash.
TEST_F(Cli, TrainGameFilesAreReadWithTheHardenedReaders) {
  Write("deep.json", std::string(100000, '[') + std::string(100000, ']'));
  ExpectUsageError("train --game deep.json --iters 1", {"deep.json:1:", "nested deeper than 256"});
  Write("big.jsonl", "{\"preferences\": [[0.5, 1e400], [0.5, 0.5]]}\n");
  ExpectUsageError("train --game big.jsonl --iters 1", {"big.jsonl:1:24:", "too large for a double"});
}

// Contexts from one (contexts, n, n) .npy array train as the same games from JSON Lines do.
TEST_F(Cli, TrainReadsContextsFromANpyArrayAsFromJsonLines) {
  ASSERT_EQ(Nlhf("generate random --n 6 --count 4 --seed 2 --out contexts.jsonl").exit_code, 0);
  ASSERT_EQ(Nlhf("generate random --n 6 --count 4 --seed 2 --out contexts.npy").exit_code, 0);
  const CommandRun text = Nlhf("train --game contexts.jsonl --policy mlp --iters 50 --trace text.csv --json");
  const CommandRun binary = Nlhf("train --game contexts.npy --policy mlp --iters 50 --trace binary.csv --json");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(binary.exit_code, 0) << binary.err;
  const auto text_contexts = text.Json()["contexts"], binary_contexts = binary.Json()["contexts"];
  ASSERT_EQ(binary_contexts.size(), 4u);
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(binary_contexts[k]["context"], std::to_string(k));  // NumPy's index
    EXPECT_EQ(binary_contexts[k]["policy"], text_contexts[k]["policy"]);
    EXPECT_EQ(binary_contexts[k]["duality_gap"], text_contexts[k]["duality_gap"]);
  }
  EXPECT_EQ(CsvColumn(dir_ / "text.csv", 1), CsvColumn(dir_ / "binary.csv", 1));
  EXPECT_EQ(text.Json()["mean_gap"], binary.Json()["mean_gap"]);
}

// Contexts with features, from a JSON Lines file, trained by one shared network.
TEST_F(Cli, TrainReadsContextsWithFeatures) {
  Write("contexts.jsonl",
        "{\"context\": \"a\", \"preferences\": [[0.5, 0.9, 0.2], [0.1, 0.5, 0.9], [0.8, 0.1, 0.5]], \"features\": [1, 0]}\n"
        "{\"context\": \"b\", \"preferences\": [[0.5, 0.2, 0.2], [0.8, 0.5, 0.3], [0.8, 0.7, 0.5]], \"features\": [0, 1]}\n");
  // lr 0.01: at 0.03 and above this tiny ReLU network's units die and both contexts get one policy.
  const CommandRun run = Nlhf("train --game contexts.jsonl --policy contextual --lr 0.01 --iters 5000 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto out = run.Json();
  ASSERT_EQ(out["contexts"].size(), 2u);
  EXPECT_EQ(out["contexts"][0]["context"], "a");
  EXPECT_EQ(out["contexts"][1]["context"], "b");
  EXPECT_EQ(out["backend"], "autograd");
  // Context b has a Condorcet winner (response 2), context a a cycle with an interior equilibrium: the one
  // network learns different policies for them (measured: gap 0.055, b's winner at 0.964).
  EXPECT_GT(out["contexts"][1]["policy"][2].get<double>(), 0.9);
  EXPECT_LT(out["contexts"][0]["policy"][2].get<double>(), 0.5);
  EXPECT_LT(out["mean_gap"].get<double>(), 0.1);
}

}  // namespace
}  // namespace nlhf

namespace nlhf {
namespace {

// Sequence games from the command line: a transformer trained on a cyclic gpm oracle reports the exact gap
// of its enumerated policy, the responses it favours (decoded), and the same numbers for the same seed; a
// tabular policy on the same games traces `nlhf solve` on the enumerated matrix.
TEST_F(Cli, TrainOnSequenceGamesReportsTheExactGapAndTheTopResponses) {
  const std::string run = "train --vocab 3 --length 3 --prompts 2 --transitivity 0 --policy transformer --width 8 "
                          "--iters 20 --log-every 5 --seed 4 --json";
  const CommandRun first = Nlhf(run);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto out = first.Json();
  EXPECT_EQ(out["gap_kind"], "exact");
  EXPECT_EQ(out["sequences"]["responses"].size(), 40u);  // 1 + 3 + 9 + 27
  EXPECT_EQ(out["sequences"]["prompts"].size(), 2u);
  const auto& top = out["sequences"]["prompts"][0]["top_responses"];
  ASSERT_EQ(top.size(), 10u);
  EXPECT_GE(top[0]["probability"].get<double>(), top[9]["probability"].get<double>());
  EXPECT_LT(out["min_log_probability"].get<double>(), 0.0);
  EXPECT_EQ(Nlhf(run).Json()["mean_gap"], out["mean_gap"]);
  // Checkpoints serve sequence games too: stopped at 10 and resumed to 20, the trace is the straight run's.
  const std::string short_run = "train --vocab 2 --length 3 --policy transformer --width 8 --seed 2 --log-every 5";
  ASSERT_EQ(Nlhf(short_run + " --iters 20 --trace straight.csv").exit_code, 0);
  ASSERT_EQ(Nlhf(short_run + " --iters 10 --checkpoint ck").exit_code, 0);
  ASSERT_EQ(Nlhf(short_run + " --iters 20 --resume ck --trace resumed.csv").exit_code, 0);
  EXPECT_EQ(Read("straight.csv"), Read("resumed.csv"));
  const CommandRun text = Nlhf("train --vocab 3 --length 3 --policy transformer --width 8 --iters 5");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("exact, original game"));
  EXPECT_THAT(text.out, HasSubstr("prompt "));
  // --estimate-gap: beside the exact gap, the search's estimate with its interval and the exact payoff of
  // the response it found (2(Aπ)_y <= the exact gap), labelled as an estimate.
  const CommandRun estimated = Nlhf(run + " --estimate-gap");
  ASSERT_EQ(estimated.exit_code, 0) << estimated.err;
  const auto gaps = estimated.Json()["estimated_gap"];
  ASSERT_EQ(gaps["prompts"].size(), 2u);
  for (const auto& p : gaps["prompts"]) {
    EXPECT_LE(p["low"].get<double>(), p["gap"].get<double>());
    EXPECT_LE(p["gap"].get<double>(), p["high"].get<double>());
    EXPECT_LE(p["best_response_exact"].get<double>(), p["exact_gap"].get<double>() + 1e-12);
    EXPECT_GE(p["best_response_exact"].get<double>(), 0.5 * p["exact_gap"].get<double>());
  }
  EXPECT_EQ(estimated.Json()["mean_gap"], out["mean_gap"]);  // the run itself is unchanged
  const CommandRun estimated_text = Nlhf("train --vocab 3 --length 3 --policy transformer --width 8 --iters 5 --estimate-gap");
  ASSERT_EQ(estimated_text.exit_code, 0) << estimated_text.err;
  EXPECT_THAT(estimated_text.out, HasSubstr("an estimate, not a certificate"));
}

// Past 65,536 responses with --feedback sampled --estimate-gap: trained on drawn responses alone, every gap
// labelled as estimated, never as the certificate; the trace, the plot and the resumed run as elsewhere.
TEST_F(Cli, TrainOnASpaceTooLargeToEnumerateReportsEstimatedGaps) {
  const std::string settings =
      "train --vocab 16 --length 5 --policy transformer --width 8 --feedback sampled --samples 4 --estimate-gap "
      "--optimizer adam --lr 3e-3 --eta 0.3 --log-every 4 --prompts 2 --seed 3";
  const std::string run = settings + " --iters 4";
  const CommandRun json = Nlhf(run + " --json --trace trace.csv");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto out = json.Json();
  EXPECT_EQ(out["gap_kind"], "estimated");
  EXPECT_EQ(out["iterations"], 4);
  EXPECT_EQ(out["queries"], 2 * (4 * 6 + 3 * 16));  // K(K−1)/2 per step, OMWU's K² after the first
  EXPECT_THAT(out["gap_search"].get<std::string>(), HasSubstr("one-token edits"));
  EXPECT_FALSE(out.contains("contexts"));  // no policy over every response
  ASSERT_EQ(out["sequences"]["prompts"].size(), 2u);
  double sum = 0;
  for (const auto& p : out["sequences"]["prompts"]) {
    EXPECT_LE(p["low"].get<double>(), p["estimated_gap"].get<double>());
    EXPECT_LE(p["estimated_gap"].get<double>(), p["high"].get<double>());
    EXPECT_FALSE(p["top_responses"].empty());
    sum += p["estimated_gap"].get<double>();
  }
  EXPECT_NEAR(out["mean_gap"].get<double>(), sum / 2, 1e-15);
  EXPECT_THAT(Read("trace.csv"), HasSubstr("\n4,"));
  // The same command gives the same numbers; the text names the estimate for what it is.
  EXPECT_EQ(Nlhf(run + " --json").Json()["mean_gap"], out["mean_gap"]);
  const CommandRun text = Nlhf(run);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("an estimate, not a certificate"));
  EXPECT_THAT(text.out, ::testing::Not(HasSubstr("exact")));
  // Resumed from a checkpoint at 2: the same final estimate.
  ASSERT_EQ(Nlhf(settings + " --iters 2 --checkpoint ck").exit_code, 0);
  const CommandRun resumed = Nlhf(run + " --json --resume ck");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(resumed.Json()["resumed_from"], 2);
  EXPECT_EQ(resumed.Json()["mean_gap"], out["mean_gap"]);
}

TEST_F(Cli, TrainRejectsBadSequenceOptions) {
  ExpectUsageError("train --vocab 3 --length 0", {"--length", "from 1"});
  ExpectUsageError("train --vocab 30 --length 4", {"837931 responses", "at most 65536", "--estimate-gap"});
  // Past the limit, training on samples takes the transformer, sampled feedback and the methods that
  // need no draws from a mixture.
  const std::string large = "train --vocab 30 --length 4 --estimate-gap --iters 1 ";
  ExpectUsageError(large + "--policy transformer", {"--feedback sampled"});
  ExpectUsageError(large + "--feedback sampled", {"--policy transformer"});
  ExpectUsageError(large + "--policy transformer --feedback sampled --algo nash-md", {"nash-md", "mixture"});
  ExpectUsageError(large + "--policy transformer --feedback sampled --samples 1", {"samples >= 2"});
  ExpectUsageError(large + "--policy transformer --feedback sampled --reference normal:1", {"--reference", "uniform"});
  ExpectUsageError("train --generate rps --vocab 3", {"--vocab", "--generate"});
  ExpectUsageError("train --game x.txt --vocab 3", {"--vocab", "--game"});
  ExpectUsageError("train --policy transformer --iters 3 --n 4 --generate rps", {"--vocab"});
  ExpectUsageError("train --vocab 3 --oracle table", {"--oracle table needs --oracle-file"});
  ExpectUsageError("train --vocab 3 --oracle torchscript --oracle-file missing.pt", {"missing.pt", "cannot open"});
  ExpectUsageError("train --vocab 3 --oracle-file x.pt", {"gpm oracle reads no file"});
  ExpectUsageError("train --vocab 3 --transitivity 2", {"--transitivity"});
  ExpectUsageError("train --vocab 2 --prompts 5 --prompt-length 2", {"only 4 distinct prompts"});
  ExpectUsageError("train --vocab 3 --policy transformer --width 10 --heads 3", {"multiple of the heads"});
  ExpectUsageError("train --transitivity 0.5 --generate rps", {"--transitivity", "--vocab"});
  ExpectUsageError("train --vocab 3 --length 3 --feedback sampled --samples 1", {"samples = 1", "samples >= 2"});
  ExpectUsageError("train --generate rps --estimate-gap", {"--estimate-gap", "--vocab"});
  ExpectUsageError("train --vocab 2 --length 2 --estimate-gap --seeds 2", {"--estimate-gap", "without --seeds"});
  ExpectUsageError("train --vocab 3 --length 3 --feedback sampled --algo egpo", {"egpo takes exact feedback"});
  ExpectUsageError("train --vocab 3 --length 3 --feedback sampled --backend fused", {"autograd path"});
}

}  // namespace
}  // namespace nlhf
