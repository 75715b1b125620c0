// Experiment files: the schema's checks with their positions, grid expansion, and runs that equal the
// same solves made directly, resumed and parallel runs that change nothing.
#include "nlhf/experiments/experiment.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "experiments/experiment_internal.h"
#include "nlhf/error.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/random.h"
#include "testing.h"

namespace nlhf {
namespace {

using ::testing::HasSubstr;

const std::string kSoccer = std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt";

std::string Base() {
  return "games:\n  - file: " + kSoccer + "\nmethods:\n  - algo: omwu\n";
}

// The message InvalidArgument carries, or "" when nothing was thrown.
std::string ErrorOf(const std::string& yaml, const std::vector<std::string>& overrides = {}, bool quick = false) {
  try {
    ParseExperiment(yaml, "exp.yaml", overrides, quick);
  } catch (const InvalidArgument& e) {
    return e.what();
  }
  return "";
}

TEST(ExperimentFile, GridsExpandInTheOrderGiven) {
  const Experiment e = ParseExperiment(
      "name: sweep\niterations: 100\ninit: random\nseeds: [3, 5]\n"
      "games:\n  - generate: random\n    n: [8, 12]\n    seed: [0, 1]\n  - file: " + kSoccer + "\n    name: soccer\n"
      "methods:\n  - algo: omwu\n    eta: [0.5, 1, 2]\n  - algo: nash-md\n    params: {beta: [0.01, 0.1], step_size: 0.5}\n",
      "exp.yaml");
  EXPECT_EQ(e.name, "sweep");
  EXPECT_EQ(e.iterations, 100);
  EXPECT_TRUE(e.random_init);
  EXPECT_EQ(e.seeds, (std::vector<std::uint64_t>{3, 5}));
  ASSERT_EQ(e.games.size(), 5u);
  EXPECT_EQ(e.games[0].label, "random(n=8, seed=0)");
  EXPECT_EQ(e.games[1].label, "random(n=8, seed=1)");
  EXPECT_EQ(e.games[2].label, "random(n=12, seed=0)");
  EXPECT_EQ(e.games[4].label, "soccer");
  ASSERT_EQ(e.methods.size(), 5u);
  EXPECT_EQ(e.methods[0].label, "omwu(eta=0.5)");  // eta is the step size, as --eta
  EXPECT_EQ(e.methods[2].label, "omwu(eta=2)");
  EXPECT_EQ(e.methods[3].label, "nash-md(eta=0.5,beta=0.01)");
  EXPECT_EQ(e.methods[4].parameters.at("beta"), 0.1);
  const Experiment drawn = ParseExperiment(Base() + "    eta: [1, 2]\nfigure: {x: log, band: minmax, panels: eta}\n", "exp.yaml");
  EXPECT_TRUE(drawn.log_x);
  EXPECT_EQ(drawn.band, Experiment::Band::kMinMax);
  EXPECT_EQ(drawn.panel_parameter, "eta");
}

TEST(ExperimentFile, MistakesNameTheLineColumnAndKey) {
  EXPECT_THAT(ErrorOf(Base() + "figure: {x: loglog}\n"), HasSubstr("exp.yaml:5:13: x 'loglog': expected linear or log"));
  EXPECT_THAT(ErrorOf(Base() + "figure: {panels: beta}\n"), HasSubstr("panels: no method sets 'beta'"));
  EXPECT_THAT(ErrorOf(Base() + "figure: {colour: red}\n"), HasSubstr("unknown key 'colour' in figure (known: kind, x, band, panels, over)"));
  EXPECT_THAT(ErrorOf(Base() + "itrations: 5\n"), HasSubstr("exp.yaml:5:1: unknown key 'itrations' in the experiment"));
  EXPECT_THAT(ErrorOf(Base() + "iterations: ten\n"), HasSubstr("exp.yaml:5:13: 'iterations' must be an integer, not 'ten'"));
  EXPECT_THAT(ErrorOf(Base() + "iterations: 0\n"), HasSubstr("'iterations' = 0. Violated constraint: iterations >= 1"));
  EXPECT_THAT(ErrorOf(Base() + "    eta: -1\n"), HasSubstr("exp.yaml:4:5"));
  EXPECT_THAT(ErrorOf(Base() + "    eta: -1\n"), HasSubstr("eta > 0"));
  EXPECT_THAT(ErrorOf(Base() + "    params: {beta: 0.1}\n"), HasSubstr("omwu has no parameter 'beta'"));
  EXPECT_THAT(ErrorOf(Base() + "  - algo: omwuu\n"), HasSubstr("exp.yaml:5:11: unknown algorithm 'omwuu'"));
  EXPECT_THAT(ErrorOf(Base() + "  - algo: omwu\n"), HasSubstr("exp.yaml:5:5: omwu is already listed (at exp.yaml:4:5)"));
  EXPECT_THAT(ErrorOf(Base() + "seeds: 3\n"), HasSubstr("exp.yaml:5:8: 3 seeds from the uniform start repeat one run"));
  EXPECT_THAT(ErrorOf("games:\n  - file: nowhere.txt\nmethods:\n  - algo: omwu\n"),
              HasSubstr("exp.yaml:2:11: no file 'nowhere.txt'"));
  EXPECT_THAT(ErrorOf("games:\n  - file: " + kSoccer + "\n    n: 5\nmethods:\n  - algo: omwu\n"),
              HasSubstr("exp.yaml:3:8: 'n' applies to generated games"));
  EXPECT_THAT(ErrorOf("games:\n  - generate: random\n    n: 1\nmethods:\n  - algo: omwu\n"),
              HasSubstr("exp.yaml:3:8: 'n' = 1. Violated constraint: n >= 2"));
  EXPECT_THAT(ErrorOf("games:\n  - generate: nope\nmethods:\n  - algo: omwu\n"), HasSubstr("unknown generator 'nope'"));
  EXPECT_THAT(ErrorOf("methods:\n  - algo: omwu\n"), HasSubstr("exp.yaml: no 'games'"));
  EXPECT_THAT(ErrorOf("games: [\n"), HasSubstr("not valid YAML"));
  EXPECT_THAT(ErrorOf("games:\n  - generate: random\n  - generate: random\nmethods:\n  - algo: omwu\n"),
              HasSubstr("two games are both 'random(n=10, seed=0)'"));
}

// Ranges, families, stop_at, a given start, quick:, figure kinds, claims and neural policies: read as
// written, and their mistakes named with their lines.
TEST(ExperimentFile, RangesFamiliesStartsQuickFiguresClaimsAndPolicies) {
  const std::string yaml =
      "iterations: 1000\nstop_at: 1e-8\ninit: {logits: [-50, 0, 0]}\n"
      "games:\n  - {generate: random, n: 3, seed: 2..4, family: small}\n"
      "methods:\n  - {algo: omwu, eta: [1, 2]}\n  - {algo: nash-md, params: {beta: [0.01, 0.1], eta: 0.5}}\n"
      "figure: {kind: final_gap, over: beta}\n"
      "claims:\n  - {ends_below: omwu, than: [nash-md], factor: 2}\n  - {grows_with: beta, methods: [nash-md]}\n"
      "  - {log_probability: omwu, action: 0, dips_below: -40, ends_above: -5}\n"
      "quick: {iterations: 10, games.0.seed: 7..8}\n";
  const Experiment e = ParseExperiment(yaml, "exp.yaml");
  ASSERT_EQ(e.games.size(), 3u);
  EXPECT_EQ(e.games[0].label, "random(n=3, seed=2)");
  EXPECT_EQ(e.games[2].seed, 4u);
  EXPECT_EQ(e.games[1].family, "small");
  EXPECT_EQ(e.stop_at, 1e-8);
  EXPECT_EQ(e.initial_logits, (std::vector<double>{-50, 0, 0}));
  EXPECT_EQ(e.figure_kind, FigureKind::kFinalGap);
  EXPECT_EQ(e.figure_over, "beta");
  EXPECT_EQ(e.methods[3].label, "nash-md(eta=0.5,beta=0.1)");  // eta inside params is the step size too
  ASSERT_EQ(e.claims.size(), 3u);
  EXPECT_EQ(e.claims[0].kind, ExperimentClaim::Kind::kEndsBelow);
  EXPECT_EQ(e.claims[0].factor, 2);
  EXPECT_EQ(e.claims[1].parameter, "beta");
  EXPECT_EQ(e.claims[2].dips_below, -40);
  EXPECT_TRUE(e.trace_log_policy());
  EXPECT_EQ(e.iterations, 1000);  // quick: applies only when asked
  const Experiment quick = ParseExperiment(yaml, "exp.yaml", {"iterations=20"}, true);
  EXPECT_EQ(quick.iterations, 20);  // --set after quick:
  EXPECT_EQ(quick.games[0].seed, 7u);
  EXPECT_EQ(quick.games.size(), 2u);

  const std::string game = "games:\n  - generate: random\n";
  EXPECT_THAT(ErrorOf("games:\n  - {generate: random, seed: 4..2}\nmethods:\n  - algo: omwu\n"),
              HasSubstr("exp.yaml:2:30: 'seed' = 4..2: an empty range (B < A)"));
  EXPECT_THAT(ErrorOf("games:\n  - {generate: random, seed: 1..x}\nmethods:\n  - algo: omwu\n"),
              HasSubstr("a range is two integers, A..B"));
  EXPECT_THAT(ErrorOf(Base() + "stop_at: -1\n"), HasSubstr("exp.yaml:5:10: stop_at = -1. Violated constraint: stop_at >= 0"));
  EXPECT_THAT(ErrorOf(Base() + "init: {logits: [1]}\n"), HasSubstr("one log-weight per action, at least 2"));
  EXPECT_THAT(ErrorOf(Base() + "init: {start: 1}\n"), HasSubstr("unknown key 'start' in init"));
  EXPECT_THAT(ErrorOf(Base() + "quick: 5\n"), HasSubstr("exp.yaml:5:8: 'quick' must be a mapping"));
  EXPECT_THAT(ErrorOf(Base() + "quick: {methods.4.eta: 1}\n", {}, true),
              HasSubstr("exp.yaml:5:9: quick methods.4.eta: index 4 is past the list's 1 entries"));
  EXPECT_THAT(ErrorOf(Base() + "figure: {kind: final_gap}\n"), HasSubstr("need 'over: PARAMETER'"));
  EXPECT_THAT(ErrorOf(Base() + "figure: {kind: final_gap, over: beta}\n"), HasSubstr("over: no method sets 'beta'"));
  EXPECT_THAT(ErrorOf(Base() + "figure: {kind: pie}\n"), HasSubstr("kind 'pie': expected curves"));
  EXPECT_THAT(ErrorOf(Base() + "figure: {over: eta}\n"), HasSubstr("'over' applies to kind: final_gap"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {ends_below: omwu, than: [mwu]}\n"),
              HasSubstr("exp.yaml:6:5: the claim names 'mwu', which is not among the methods"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {ends_below: omwu}\n"), HasSubstr("a ends_below claim needs 'than'"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {linear_rate: omwu, converges: omwu}\n"), HasSubstr("a claim has one kind"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {faster: omwu}\n"), HasSubstr("a claim needs one of ends_below"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {linear_rate: omwu, factor: 2}\n"), HasSubstr("unknown key 'factor' in a linear_rate claim"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {converges: omwu, factor: 0}\n"), HasSubstr("factor = 0. Violated constraint: factor > 0"));
  EXPECT_THAT(ErrorOf(Base() + "claims:\n  - {grows_with: beta, methods: [omwu]}\n"), HasSubstr("grows_with: no method sets 'beta'"));
  // Neural policies: their own parameter names, train: only with a policy, no tabular start.
  EXPECT_THAT(ErrorOf(Base() + "policy: cnn\n"), HasSubstr("exp.yaml:5:9: policy 'cnn': expected mlp, contextual, tabular"));
  EXPECT_THAT(ErrorOf(Base() + "train: {lr: 0.1}\n"), HasSubstr("'train' applies to neural policies"));
  EXPECT_THAT(ErrorOf(Base() + "policy: mlp\ntrain: {lr: -1}\n"), HasSubstr("lr = -1. Violated constraint: lr > 0"));
  EXPECT_THAT(ErrorOf(Base() + "policy: mlp\ntrain: {feedback: noisy}\n"), HasSubstr("feedback 'noisy': expected exact or sampled"));
  EXPECT_THAT(ErrorOf(Base() + "    params: {gamma: 1}\npolicy: mlp\n"),
              HasSubstr("exp.yaml:5:14: unknown parameter 'gamma' of a neural method (known: eta, beta, lr, samples)"));
  EXPECT_THAT(ErrorOf(Base() + "    params: {samples: 0.5}\npolicy: mlp\n"), HasSubstr("samples = 0.5. Violated constraint"));
  EXPECT_THAT(ErrorOf(Base() + "policy: mlp\ninit: random\n"), HasSubstr("init applies to the tabular solvers"));
  const Experiment neural = ParseExperiment(Base() + "    params: {lr: [0.1, 1], beta: 0}\n  - algo: ipo-md\npolicy: mlp\n"
                                            "train: {feedback: sampled, samples: 20, contexts: 4}\nseeds: 2\n",
                                            "exp.yaml");
  EXPECT_TRUE(neural.neural_run());
  EXPECT_EQ(neural.neural.feedback, "sampled");
  EXPECT_EQ(neural.neural.contexts, 4);
  ASSERT_EQ(neural.methods.size(), 3u);  // a neural method is not looked up among the tabular solvers
  EXPECT_EQ(neural.methods[1].label, "omwu(beta=0,lr=1)");
  EXPECT_EQ(neural.seeds.size(), 2u);  // seeds vary the network's initial weights
}

// Sequence games (sequence: in a game) with the transformer and its training settings; each mistake named.
TEST(ExperimentFile, SequenceGamesAndTheTransformer) {
  const std::string methods = "methods:\n  - {algo: omwu, eta: 0.3}\n";
  const Experiment e = ParseExperiment(
      "games:\n  - {sequence: {vocab: 3, length: 2, prompts: 2, transitivity: 0.2}, seed: 1..2, family: gpm}\n" + methods +
          "policy: transformer\ntrain: {optimizer: adam, fit_steps: 10, layers: 1, heads: 4}\nseeds: 2\n",
      "exp.yaml");
  ASSERT_EQ(e.games.size(), 2u);
  EXPECT_TRUE(e.games[0].is_sequence());
  EXPECT_EQ(e.games[1].label, "sequences(V=3, T=2, gpm X=0.2, 2 prompts, seed=2)");
  EXPECT_EQ(e.games[1].seed, 2u);
  EXPECT_EQ(e.games[0].sequence.prompts, 2);
  EXPECT_EQ(e.games[0].sequence.prompt_length, 2);  // nlhf train's default
  EXPECT_EQ(e.neural.policy, "transformer");
  EXPECT_EQ(e.neural.width, 16);  // nlhf train's default for the transformer
  EXPECT_EQ(e.neural.fit_steps, 10);
  EXPECT_EQ(e.neural.layers, 1);
  EXPECT_EQ(e.neural.heads, 4);

  const std::string sequence = "games:\n  - sequence: {vocab: 3}\n" + methods;
  EXPECT_THAT(ErrorOf(sequence), HasSubstr("is a sequence game: it needs a neural policy (policy: transformer)"));
  EXPECT_THAT(ErrorOf(Base() + "policy: transformer\n"), HasSubstr("policy transformer writes token sequences"));
  // The transformer's error on one game entry (and, for fit_steps, a train: line).
  const auto error_with = [&](const std::string& game, const std::string& train = "") {
    return ErrorOf("games:\n  - " + game + "\n" + methods + "policy: transformer\n" + train);
  };
  EXPECT_THAT(error_with("sequence: {length: 3}"), HasSubstr("exp.yaml:2:15: a sequence game needs 'vocab'"));
  EXPECT_THAT(error_with("sequence: {vocab: 0}"), HasSubstr("'vocab' = 0. Violated constraint: vocab >= 1"));
  EXPECT_THAT(error_with("sequence: {vocab: 3, transitivity: 2}"),
              HasSubstr("transitivity = 2. Violated constraint: 0 <= transitivity <= 1"));
  EXPECT_THAT(error_with("sequence: {vocab: 3, oracle: table}"), HasSubstr("oracle table needs 'oracle_file'"));
  EXPECT_THAT(error_with("sequence: {vocab: 3, oracle: human}"), HasSubstr("oracle 'human': expected gpm, table or torchscript"));
  EXPECT_THAT(error_with("{sequence: {vocab: 3}, n: 4}"), HasSubstr("'n' applies to generated games"));
  EXPECT_THAT(error_with("{sequence: {vocab: 3}, generate: random}"),
              HasSubstr("exactly one of 'file', 'generate' and 'sequence'"));
  EXPECT_THAT(error_with("sequence: {vocab: 3, size: 2}"), HasSubstr("unknown key 'size' in sequence"));
  EXPECT_THAT(error_with("sequence: {vocab: 3}", "train: {fit_steps: 0}\n"),
              HasSubstr("'fit_steps' = 0. Violated constraint: fit_steps >= 1"));
}

TEST(ExperimentFile, SetChangesValuesAndItsMistakesNameIt) {
  const Experiment e = ParseExperiment(Base() + "iterations: 100\n", "exp.yaml",
                                       {"iterations=7", "methods.0.eta=[0.1, 0.2]"});
  EXPECT_EQ(e.iterations, 7);
  ASSERT_EQ(e.methods.size(), 2u);
  EXPECT_EQ(e.methods[1].label, "omwu(eta=0.2)");
  EXPECT_THAT(ErrorOf(Base(), {"iterations=many"}), HasSubstr("--set iterations=many: 'iterations' must be an integer"));
  EXPECT_THAT(ErrorOf(Base(), {"methods.3.eta=1"}), HasSubstr("--set methods.3.eta=1: index 3 is past the list"));
  EXPECT_THAT(ErrorOf(Base(), {"iterations"}), HasSubstr("expected KEY=VALUE"));
  // Found by fuzzing: a seed count of 4e13 was expanded into a list before any limit was checked.
  EXPECT_THAT(ErrorOf("init: random\nseeds: 43333333333333\n" + Base()),
              HasSubstr("exp.yaml:2:8: seeds: 43333333333333 runs per configuration; at most 1e+06"));
  // Found by fuzzing: a file's own tag spelled like the override tag crashed the position lookup.
  EXPECT_THAT(ErrorOf("!nlhf-set-ML9Excepep t: hiAML9Excepep thi"), HasSubstr("exp.yaml:1:1"));
  EXPECT_THAT(ErrorOf(Base() + "iterations: !nlhf-set-7 many\n"), HasSubstr("exp.yaml:5:13: 'iterations' must be an integer"));
}

class ExperimentRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nlhf_experiment_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// Every file of the folder but the timings, by name.
std::map<std::string, std::string> Contents(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = std::filesystem::relative(entry.path(), dir).string();
    if (entry.is_regular_file() && name != "timings.csv" && entry.path().extension() != ".seconds") {
      files[name] = ReadTextFile(entry.path().string());
    }
  }
  return files;
}

// The same files with the same bytes; a difference is named by file, not printed whole.
void ExpectSameFiles(const std::map<std::string, std::string>& actual, const std::map<std::string, std::string>& expected) {
  EXPECT_EQ(actual.size(), expected.size());
  for (const auto& [name, text] : expected) {
    const auto it = actual.find(name);
    if (it == actual.end()) {
      ADD_FAILURE() << "missing " << name;
    } else if (it->second != text) {
      ADD_FAILURE() << name << " differs";
    }
  }
}

// Each run equals the same solve made directly (same game, parameters, start and iterations), and its
// iterations to each level are where its own full trace first reaches the level.
TEST_F(ExperimentRun, RunsEqualTheSameSolvesMadeDirectly) {
  const Experiment e = ParseExperiment("iterations: 400\ntrace_every: 1\ninit: random\nseeds: [0, 1]\nfigures: false\n"
                                       "gap_levels: [1e-2, 1e-4]\n"
                                       "games:\n  - file: " + kSoccer + "\n  - generate: random\n    n: 12\n    seed: 4\n"
                                       "methods:\n  - algo: omwu\n    eta: 2\n  - algo: mwu\n",
                                       "exp.yaml");
  const ExperimentResult result = RunExperiment(e, dir_.string(), {});
  ASSERT_EQ(result.runs.size(), 8u);
  MatrixFile soccer = ReadMatrixFile(kSoccer);
  const std::vector<ZeroSumGame> games = {
      GameFromMatrix(soccer.values, {}, false),
      GameFromMatrix(Generate({.kind = "random", .n = 12, .seed = 4}).matrix, {}, false)};
  for (const RunRecord& r : result.runs) {
    SolveOptions options;
    options.max_iterations = 400;
    options.gap_tolerance = 0;
    options.trace_interval = 1;
    options.initial = {.kind = InitialPolicy::Kind::kRandom, .seed = r.seed};
    const SolveResult direct = SolveWith(e.methods[r.method].algorithm, games[r.game], options, e.methods[r.method].parameters);
    EXPECT_EQ(r.final_gap, direct.duality_gap) << r.id;
    EXPECT_EQ(r.spec, direct.algorithm) << r.id;
    for (size_t k = 0; k < e.gap_levels.size(); ++k) {
      double first = -1;
      for (const TraceRecord& t : direct.trace) {
        if (t.duality_gap <= e.gap_levels[k]) {
          first = static_cast<double>(t.iteration);
          break;
        }
      }
      EXPECT_EQ(r.iterations_to[k], first) << r.id << " level " << e.gap_levels[k];
    }
    EXPECT_TRUE(std::filesystem::exists(dir_ / "runs" / (r.id + ".csv")));
  }
  for (const char* file : {"runs.csv", "summary.csv", "summary.json", "timings.csv", "report.md", "experiment.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ / file)) << file;
  }
  const std::string report = ReadTextFile((dir_ / "report.md").string());
  EXPECT_THAT(report, HasSubstr("| omwu(eta=2) |"));
  testing::ExpectMarkdownTablesRender(report);
}

TEST_F(ExperimentRun, ResumeKeepsFinishedRunsAndParallelRunsChangeNothing) {
  const std::string yaml = "iterations: 300\ninit: random\nseeds: 3\nfigures: false\n"
                           "games:\n  - generate: random\n    n: [6, 9]\nmethods:\n  - algo: omwu\n    eta: [1, 2]\n";
  const Experiment e = ParseExperiment(yaml, "exp.yaml");
  RunExperiment(e, dir_.string(), {});
  const std::map<std::string, std::string> first = Contents(dir_);
  EXPECT_EQ(first.count("runs/r0011.json"), 1u);
  const ExperimentResult resumed = RunExperiment(e, dir_.string(), {.resume = true});
  EXPECT_EQ(resumed.resumed, 12);
  ExpectSameFiles(Contents(dir_), first);  // every record and table byte for byte (times are kept apart)
  // A run whose record is gone is redone; the others are kept.
  std::filesystem::remove(dir_ / "runs" / "r0005.json");
  EXPECT_EQ(RunExperiment(e, dir_.string(), {.resume = true}).resumed, 11);
  // Changed settings: nothing matches.
  const Experiment longer = ParseExperiment(yaml, "exp.yaml", {"iterations=301"});
  EXPECT_EQ(RunExperiment(longer, dir_.string(), {.resume = true}).resumed, 0);
  // Four threads give the same files as one.
  RunExperiment(e, dir_.string(), {.jobs = 4});
  ExpectSameFiles(Contents(dir_), first);
}

// The β-regularized equilibrium of a symmetric game with a uniform reference: the fixed point
// π = softmax(Aπ/β) (each player's best response to the other under the KL penalty), found by Newton's
// method on the logits, x − Aσ(x)/β = 0 (σ the softmax), with a backtracking line search.
Eigen::VectorXd RegularizedEquilibrium(const Eigen::MatrixXd& a, double beta) {
  const auto softmax = [](const Eigen::VectorXd& x) {
    const Eigen::VectorXd e = (x.array() - x.maxCoeff()).exp();
    return Eigen::VectorXd(e / e.sum());
  };
  const auto residual = [&](const Eigen::VectorXd& x) {
    Eigen::VectorXd r = x - a * softmax(x) / beta;
    return Eigen::VectorXd(r.array() - r.mean());  // logits are defined up to a constant
  };
  Eigen::VectorXd x = Eigen::VectorXd::Zero(a.rows());
  for (int step = 0; step < 100 && residual(x).norm() > 1e-14; ++step) {
    const Eigen::VectorXd p = softmax(x);
    const Eigen::MatrixXd jacobian = Eigen::MatrixXd::Identity(a.rows(), a.rows()) -
                                     a * (Eigen::MatrixXd(p.asDiagonal()) - p * p.transpose()) / beta;
    const Eigen::VectorXd dx = jacobian.fullPivLu().solve(-residual(x));
    double t = 1;
    while (t > 1e-8 && residual(x + t * dx).norm() >= residual(x).norm()) t *= 0.5;
    x += t * dx;
  }
  EXPECT_LE(residual(x).norm(), 1e-12);
  return softmax(x);
}

// The shipped sweep (η × β × 3 methods × 5 seeds, planted n = 10): the runs settle on β's plateau, the
// original game's gap of the regularized equilibrium computed here independently: MMD and online IPO on
// it to 1e-7, Nash-MD near it, and every method's plateau higher at β = 0.1 than at 0.01.
TEST_F(ExperimentRun, BetaSweepSettlesOnTheRegularizedEquilibriaPlateaus) {
  const std::string path = std::string(NLHF_SOURCE_DIR) + "/experiments/beta_sweep.yaml";
  const Experiment e = ParseExperiment(ReadTextFile(path), path, {"figures=false"});
  ASSERT_EQ(e.methods.size() * e.seeds.size(), 60u);
  const ExperimentResult result = RunExperiment(e, dir_.string(), {.jobs = 2});
  const ZeroSumGame game = GameFromMatrix(Generate({.kind = "planted", .n = 10, .seed = 0}).matrix, {}, false);
  const Eigen::MatrixXd a = game.payoff();
  std::map<double, double> plateau;  // β → gap of the regularized equilibrium in the original game
  for (const double beta : {0.01, 0.1}) {
    const Eigen::VectorXd pi = RegularizedEquilibrium(a, beta);
    plateau[beta] = 2 * (a * pi).maxCoeff();  // the symmetric game's gap: max_a (Aπ)_a − min_b (πᵀA)_b
  }
  EXPECT_GT(plateau[0.1], 5 * plateau[0.01]);
  for (const RunRecord& r : result.runs) {
    const ExperimentMethod& m = e.methods[r.method];
    const double expected = plateau.at(m.parameters.at("beta"));
    if (m.algorithm == "nash-md") {
      EXPECT_NEAR(r.final_gap, expected, 0.1 * expected) << r.id << " " << m.label;
    } else {
      EXPECT_NEAR(r.final_gap, expected, 1e-7) << r.id << " " << m.label;
    }
  }
}

// The EGPO settings: π_ref with N(0, 1) logits and a budget per method; each run equals the solve made
// directly with that reference (drawn here from the same seed) and that budget.
TEST_F(ExperimentRun, ReferencePolicyAndPerMethodBudgets) {
  const Experiment e = ParseExperiment("reference: {normal_logits: 7}\niterations: 50\nfigures: false\n"
                                       "games:\n  - generate: random\n    n: 6\n"
                                       "methods:\n  - {algo: mmd, eta: 0.1, params: {beta: 0.1}, iterations: 300}\n"
                                       "  - {algo: nash-md, params: {beta: 0.05}}\n",
                                       "exp.yaml");
  EXPECT_EQ(e.methods[0].label, "mmd(eta=0.1,beta=0.1) x300");
  const ExperimentResult result = RunExperiment(e, dir_.string(), {});
  const ZeroSumGame game = GameFromMatrix(Generate({.kind = "random", .n = 6, .seed = 0}).matrix, {}, false);
  Rng rng(7);
  Eigen::VectorXd reference(6);
  for (int i = 0; i < 6; ++i) reference[i] = rng.Normal();
  for (const RunRecord& r : result.runs) {
    SolveOptions options;
    options.max_iterations = r.method == 0 ? 300 : 50;
    options.gap_tolerance = 0;
    options.reference_log_policy = {reference};  // normalized by the solver
    const SolveResult direct = SolveWith(e.methods[r.method].algorithm, game, options, e.methods[r.method].parameters);
    EXPECT_EQ(r.iterations, options.max_iterations);
    EXPECT_NEAR(r.final_gap, direct.duality_gap, 1e-14) << r.id;
  }
  EXPECT_THAT(ErrorOf(Base() + "reference: {normal_logits: 1, file: x.json}\n"), HasSubstr("give one of"));
  EXPECT_THAT(ErrorOf(Base() + "reference: gaussian\n"), HasSubstr("exp.yaml:5:12: reference: expected uniform"));
}

// A family pools its games: one summary row per method over games × seeds, and each claim's verdict
// counted run by run as computed here from the records themselves.
TEST_F(ExperimentRun, FamiliesPoolTheirGamesAndClaimsCountEveryRun) {
  const Experiment e = ParseExperiment(
      "iterations: 600\ninit: random\nseeds: 2\nfigures: false\ngap_levels: [1e-2, 1e-6]\n"
      "games:\n  - {generate: random, n: 8, seed: 0..2, family: random}\n  - {generate: planted, n: 7, seed: 1}\n"
      "methods:\n  - {algo: omwu, eta: 2}\n  - {algo: mwu, eta: 0.3}\n"
      "claims:\n  - {ends_below: omwu, than: [mwu], factor: 100}\n  - {converges: mwu, factor: 3}\n"
      "  - {stays_above: omwu, level: 1e-3}\n",
      "exp.yaml");
  const ExperimentResult result = RunExperiment(e, dir_.string(), {});
  ASSERT_EQ(result.runs.size(), 4u * 2u * 2u);
  // Two groups (the family, the planted game) × three claims.
  ASSERT_EQ(result.claims.size(), 6u);
  const auto final_gap = [&](int game, int method, std::uint64_t seed) {
    for (const RunRecord& r : result.runs) {
      if (r.game == game && r.method == method && r.seed == seed) return r;
    }
    ADD_FAILURE() << "no run";
    return RunRecord{};
  };
  const std::vector<std::vector<int>> groups = {{0, 1, 2}, {3}};
  for (size_t g = 0; g < groups.size(); ++g) {
    int below = 0, converged = 0, above = 0, runs = 0;
    std::vector<double> omwu_finals, mwu_finals;
    for (int game : groups[g]) {
      for (std::uint64_t seed : {0u, 1u}) {
        const RunRecord omwu = final_gap(game, 0, seed), mwu = final_gap(game, 1, seed);
        ++runs;
        below += omwu.final_gap * 100 < mwu.final_gap ? 1 : 0;
        converged += mwu.final_gap <= mwu.initial_gap / 3 ? 1 : 0;
        above += omwu.final_gap > 1e-3 ? 1 : 0;
        omwu_finals.push_back(omwu.final_gap);
        mwu_finals.push_back(mwu.final_gap);
      }
    }
    // Claims come in file order, each over the groups in order.
    const ClaimVerdict& ends_below = result.claims[0 * 2 + g];
    const ClaimVerdict& converges = result.claims[1 * 2 + g];
    const ClaimVerdict& stays_above = result.claims[2 * 2 + g];
    EXPECT_EQ(ends_below.runs, runs);
    EXPECT_EQ(ends_below.failing_runs, runs - below) << ends_below.text;
    EXPECT_EQ(converges.failing_runs, runs - converged) << converges.text;
    EXPECT_EQ(stays_above.failing_runs, runs - above) << stays_above.text;
    EXPECT_EQ(ends_below.supported, Median(omwu_finals) * 100 < Median(mwu_finals));
    EXPECT_EQ(static_cast<int>(ends_below.failing.size()), ends_below.failing_runs);
  }
  EXPECT_THAT(result.claims[4].text, HasSubstr("random: omwu(eta=2) does not converge"));
  EXPECT_FALSE(result.claims[4].supported);  // OMWU does converge on these games
  const std::string report = ReadTextFile((dir_ / "report.md").string());
  testing::ExpectMarkdownTablesRender(report);
  EXPECT_THAT(report, HasSubstr("## random\n\n3 games (random(n=8, seed=0) … random(n=8, seed=2))"));
  // Each game's equilibrium set says whether it has a full-support equilibrium (random games: none).
  EXPECT_THAT(report, HasSubstr("0 of 3 games have one; 3 have none, outside the assumption"));
  const nlohmann::json manifest = nlohmann::json::parse(ReadTextFile((dir_ / "experiment.json").string()));
  for (int g = 0; g < 3; ++g) EXPECT_EQ(manifest["games"][g]["full_support_equilibrium"], false) << g;
  EXPECT_EQ(manifest["games"][3]["full_support_equilibrium"], true);  // planted, odd size
  EXPECT_THAT(report, HasSubstr("- **not supported** — random: omwu(eta=2) does not converge"));
  // summary.csv: one row per group and method, over 6 and 2 runs.
  const std::string summary = ReadTextFile((dir_ / "summary.csv").string());
  EXPECT_THAT(summary, HasSubstr("\nrandom,omwu(eta=2),6,"));
  EXPECT_THAT(summary, HasSubstr("\n\"planted(n=7, seed=1)\",omwu(eta=2),2,"));
}

// stop_at ends a run at that gap and init: {logits} starts it there: the run equals the solve made
// directly; the traced log-policy carries the log_probability claim, and the marginal figure's table is
// the trace.
TEST_F(ExperimentRun, StopAtAndAGivenStartEqualTheDirectSolve) {
  const Experiment e = ParseExperiment(
      "iterations: 100000\nstop_at: 1e-8\ntrace_every: 50\ngap_levels: [1e-8]\n"
      "init: {logits: [-300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}\n"
      "games:\n  - {generate: planted, n: 11, seed: 1}\nmethods:\n  - {algo: omwu, eta: 2}\n"
      "figure: {kind: log_policy}\nclaims:\n  - {log_probability: omwu, dips_below: -250, ends_above: -8}\n",
      "exp.yaml");
  const ExperimentResult result = RunExperiment(e, dir_.string(), {});
  const ZeroSumGame game = GameFromMatrix(Generate({.kind = "planted", .n = 11, .seed = 1}).matrix, {}, false);
  SolveOptions options;
  options.max_iterations = 100000;
  options.gap_tolerance = 1e-8;
  options.trace_interval = 50;
  options.trace_log_policy = true;
  Eigen::VectorXd start = Eigen::VectorXd::Zero(11);
  start[0] = -300;
  options.initial = {.kind = InitialPolicy::Kind::kGiven, .log_policy = {start}};
  const SolveResult direct = SolveWith("omwu", game, options, {{"eta", 2.0}});
  ASSERT_TRUE(direct.converged());
  const RunRecord& r = result.runs.at(0);
  EXPECT_EQ(r.iterations, direct.iterations);
  EXPECT_EQ(r.final_gap, direct.duality_gap);
  EXPECT_EQ(r.termination, "converged");
  double lowest = 0;
  for (const TraceRecord& t : direct.trace) lowest = std::min(lowest, t.log_policy[0][0]);
  const bool holds = lowest < -250 && direct.log_policy[0][0] > -8;
  ASSERT_EQ(result.claims.size(), 1u);
  EXPECT_EQ(result.claims[0].supported, holds);
  EXPECT_EQ(result.claims[0].failing_runs, holds ? 0 : 1);
  EXPECT_THAT(ReadTextFile((dir_ / "figure_game0.csv").string()), HasSubstr("iteration,duality_gap,log_pi_0,"));
  // A start of the wrong size is refused when the run is made, naming the game.
  const Experiment wrong = ParseExperiment(Base() + "init: {logits: [0, 1]}\niterations: 5\n", "exp.yaml");
  EXPECT_THROW_WITH(RunExperiment(wrong, (dir_ / "wrong").string(), {}), InvalidArgument,
                    "init logits has 2 entries, but the game 'soccer' has");
}

// kind: final_gap over beta: the figure's table holds each configuration's median final gap, the
// summary's, and a method without β as a level.
TEST_F(ExperimentRun, ParameterFigureTableHoldsTheSummaryMedians) {
  const Experiment e = ParseExperiment(
      "iterations: 2000\ngames:\n  - {generate: planted, n: 6, seed: 0..1, family: planted}\n"
      "methods:\n  - {algo: mmd, eta: 0.5, params: {beta: [0.02, 0.2]}}\n  - algo: omwu\n"
      "figure: {kind: final_gap, over: beta}\nclaims:\n  - {grows_with: beta, methods: [mmd]}\n",
      "exp.yaml");
  const ExperimentResult result = RunExperiment(e, dir_.string(), {});
  const std::string table = ReadTextFile((dir_ / "figure.csv").string());
  for (int m = 0; m < 2; ++m) {
    std::vector<double> finals;
    for (const RunRecord& r : result.runs) {
      if (r.method == m) finals.push_back(r.final_gap);
    }
    const double beta = e.methods[m].parameters.at("beta");
    EXPECT_THAT(table, HasSubstr(fmt::format("\n{:.17g},{:.17g}\n", beta, Median(finals)))) << beta;
  }
  EXPECT_THAT(table, HasSubstr("# mmd(eta=0.5)"));
  ASSERT_EQ(result.claims.size(), 1u);
  EXPECT_TRUE(result.claims[0].supported) << result.claims[0].text;  // the plateau grows with β
  EXPECT_EQ(result.claims[0].runs, 2);
}

// Found by the full reproduction: a trace holding a subnormal gap (1e-320) made std::stod throw
// out_of_range, ending the run with "error: stod".
TEST_F(ExperimentRun, TracesWithSubnormalGapsAreReadBack) {
  std::filesystem::create_directories(dir_);
  const std::string path = (dir_ / "trace.csv").string();
  WriteFileAtomically(path, "iteration,duality_gap,regularized_gap,log_pi_0,log_pi_1\n0,0.5,nan,-0.7,-0.7\n"
                            "10,1e-320,nan,-1e-310,-800\n20,0,nan,-0,-inf\n");
  const internal::RunTrace trace = internal::ReadRunTrace(path);
  EXPECT_EQ(trace.iterations, (std::vector<std::int64_t>{0, 10, 20}));
  EXPECT_EQ(trace.gaps[1], 1e-320);
  EXPECT_EQ(trace.gaps[2], 0.0);
  ASSERT_EQ(trace.log_policy.size(), 3u);
  EXPECT_EQ(trace.log_policy[1][1], -800);
  EXPECT_TRUE(std::isinf(trace.log_policy[2][1]));
}

TEST_F(ExperimentRun, RefusesAFolderThatIsNotAnExperiments) {
  std::filesystem::create_directories(dir_);
  WriteFileAtomically((dir_ / "thesis.tex").string(), "precious\n");
  const Experiment e = ParseExperiment(Base() + "iterations: 10\n", "exp.yaml");
  EXPECT_THROW(RunExperiment(e, dir_.string(), {}), InvalidArgument);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "thesis.tex"));
}

// The report says which games meet the analysis' assumption (a full-support equilibrium exists: a
// planted game of odd size has one, a random game almost surely not), and gives one verdict per game and
// method whose seed counts add up: OMWU with a large step reaches 1e-9 on the random game in every run,
// MWU's last iterate in none. The bootstrap band is drawn from a seeded resampling: the same file twice.
TEST_F(ExperimentRun, ReportStatesAssumptionsAndVerdictsWhoseCountsAddUp) {
  const std::string yaml = "iterations: 4000\ninit: random\nseeds: 4\ngap_levels: [1e-3, 1e-9]\n"
                           "figure: {band: bootstrap}\n"
                           "games:\n  - generate: planted\n    n: 9\n    seed: 2\n"
                           "  - generate: random\n    n: 10\n    seed: 0\n"
                           "methods:\n  - {algo: omwu, eta: 2}\n  - {algo: mwu, eta: 0.1}\n";
  const Experiment e = ParseExperiment(yaml, "exp.yaml");
  EXPECT_EQ(e.band, Experiment::Band::kBootstrap);
  const ExperimentResult result = RunExperiment(e, dir_.string(), {});
  const std::string report = ReadTextFile((dir_ / "report.md").string());
  testing::ExpectMarkdownTablesRender(report);
  EXPECT_THAT(report, HasSubstr("plays 9 of 9 actions; a full-support equilibrium exists"));
  EXPECT_THAT(report, HasSubstr("no equilibrium has full support"));
  const nlohmann::json manifest = nlohmann::json::parse(ReadTextFile((dir_ / "experiment.json").string()));
  EXPECT_EQ(manifest["games"][0]["full_support_equilibrium"], true);
  EXPECT_EQ(manifest["games"][1]["full_support_equilibrium"], false);

  // One verdict per game and method; its counts are the runs' own.
  const std::string verdicts = report.substr(report.find("## Verdicts"));
  for (size_t g = 0; g < e.games.size(); ++g) {
    for (size_t m = 0; m < e.methods.size(); ++m) {
      int reached = 0;
      for (const RunRecord& r : result.runs) {
        if (r.game == static_cast<int>(g) && r.method == static_cast<int>(m) && r.iterations_to[1] >= 0) ++reached;
      }
      const std::string claim = e.games[g].label + ", " + e.methods[m].label + ": the gap reaches 1e-09 within the budget: ";
      const std::string expected = reached == 4   ? "holds in all 4 runs"
                                   : reached == 0 ? "fails in all 4 runs"
                                                  : fmt::format("holds in {} of 4 runs, fails in {}", reached, 4 - reached);
      EXPECT_THAT(verdicts, HasSubstr(claim + expected)) << claim;
    }
  }
  EXPECT_THAT(verdicts, HasSubstr("random(n=10, seed=0), omwu(eta=2): the gap reaches 1e-09 within the budget: holds in all 4 runs"));
  EXPECT_THAT(verdicts, HasSubstr("mwu(eta=0.1): the gap reaches 1e-09 within the budget: fails in all 4 runs"));

  if (std::filesystem::exists(dir_ / "figure_game0.dat")) {
    const std::string data = ReadTextFile((dir_ / "figure_game0.dat").string());
    const std::filesystem::path again = dir_.string() + "_again";
    RunExperiment(e, again.string(), {});
    EXPECT_EQ(ReadTextFile((again / "figure_game0.dat").string()), data);
    std::filesystem::remove_all(again);
  }
}

}  // namespace
}  // namespace nlhf
