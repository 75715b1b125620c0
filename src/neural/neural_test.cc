// Neural training: each method's loss against its tabular update (the registry's own solver as ground
// truth), the network policies against the tabular one, sampled feedback, and checkpoints.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "nlhf/io/atomic_file.h"
#include "nlhf/neural/methods.h"
#include "nlhf/neural/trainer.h"
#include "neural/tabular_trace_check.h"
#include "testing.h"

namespace nlhf::neural {
namespace {

TrainingGames Planted(int n, std::uint64_t seed, int contexts = 1) {
  return GenerateTrainingGames({.kind = "planted", .n = n, .seed = seed}, contexts);
}

TrainOptions Options(const std::string& algorithm, std::int64_t iterations, PolicyKind policy = PolicyKind::kTabular) {
  TrainOptions options;
  options.algorithm = algorithm;
  options.iterations = iterations;
  options.policy.kind = policy;
  return options;
}

std::string TemporaryDirectory(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("nlhf-neural-{}-{}", name, ::getpid());
  std::filesystem::remove_all(path);
  return path.string();
}

// With a tabular policy and plain SGD at lr = 1, training is the tabular method: the same gap at every
// iteration as the registry's solver (unpolished), for every method that has a tabular counterpart.
TEST(NeuralTabular, EveryMethodTracesItsTabularSolver) {
  const ZeroSumGame game = ZeroSumGame::FromPreferences(
      PreferenceGame(Generate({.kind = "planted", .n = 7, .seed = 3}).matrix));
  ExpectEveryMethodTracesItsTabularSolver(Planted(7, 3), game, Options("omwu", 60), 60, 0.7);
}

// A reference policy that is not uniform (the EGPO simulation's N(0, 1) logits) is the one the regularized
// methods pull toward and certify against, in both backends: each traces the tabular solver given the
// same π_ref, in the original and the regularized gap. A reference of the wrong size or not normalized is
// refused.
TEST(NeuralTabular, RegularizedMethodsTraceTheirSolverWithAReferencePolicy) {
  const TrainingGames games = Planted(7, 3);
  const ZeroSumGame game = ZeroSumGame::FromPreferences(
      PreferenceGame(Generate({.kind = "planted", .n = 7, .seed = 3}).matrix));
  const Eigen::VectorXd reference = RandomLogPolicy(7, 5);
  int fused = 0, autograd = 0;
  for (const NeuralMethod& method : NeuralMethods()) {
    if (method.tabular_counterpart.empty() || !method.regularized) continue;
    for (const Backend backend : {Backend::kAutograd, Backend::kFused}) {
      SCOPED_TRACE(method.name + (backend == Backend::kFused ? " fused" : " autograd"));
      TrainOptions options = Options(method.name, 40);
      options.step_size = 0.7;
      options.beta = 0.3;
      options.backend = backend;
      options.reference_log_policy = reference;
      if (backend == Backend::kFused && !FusedPathSupports(options).empty()) continue;
      const TrainResult trained = Train(games, options);
      ++(backend == Backend::kFused ? fused : autograd);
      SolveOptions solve_options;
      solve_options.max_iterations = 40;
      solve_options.gap_tolerance = 0;
      solve_options.trace_interval = 1;
      solve_options.reference_log_policy = {reference};
      const SolveResult solved =
          SolveWith(method.tabular_counterpart, game, solve_options, {{"eta", 0.7}, {"beta", 0.3}});
      ASSERT_EQ(trained.trace.size(), solved.trace.size());
      for (size_t t = 0; t < solved.trace.size(); ++t) {
        ASSERT_NEAR(trained.trace[t].mean_gap, solved.trace[t].duality_gap, 1e-9) << "iteration " << t;
        ASSERT_NEAR(trained.trace[t].mean_regularized_gap, solved.trace[t].regularized_gap, 1e-9) << "iteration " << t;
      }
    }
  }
  EXPECT_GE(fused, 3);
  EXPECT_GE(autograd, 3);
  TrainOptions wrong = Options("mmd", 5);
  wrong.reference_log_policy = RandomLogPolicy(6, 5);
  EXPECT_THROW_WITH(Train(games, wrong), InvalidArgument, "6 log-probabilities for 7 responses");
  wrong.reference_log_policy = Eigen::VectorXd::Zero(7);
  EXPECT_THROW_WITH(Train(games, wrong), InvalidArgument, "sum to 7");
}

// One SGD step with learning rate lr is the tabular step with step size lr·η.
TEST(NeuralTabular, LearningRateMultipliesTheStepSize) {
  const TrainingGames games = Planted(5, 8);
  const ZeroSumGame game = ZeroSumGame::FromPreferences(
      PreferenceGame(Generate({.kind = "planted", .n = 5, .seed = 8}).matrix));
  TrainOptions options = Options("omwu", 20);
  options.learning_rate = 0.25;
  options.step_size = 2.0;
  const TrainResult trained = Train(games, options);
  const SolveResult solved = SolveWith("omwu", game, testing::PlainOptions(20, 0), {{"eta", 0.5}});
  for (int a = 0; a < 5; ++a) EXPECT_NEAR(trained.policy(0, a), solved.policy[0](a), 1e-12);
}

// Nash-MD-PG's step on tabular logits is the softmax policy-gradient step
// θ' = θ + η π ⊙ (h − ⟨π, h⟩), h = A μ − β log(π/π_ref): checked from a non-uniform start, by hand.
TEST(NeuralTabular, NashMdPgIsThePolicyGradientStep) {
  const TrainingGames games = Planted(6, 2);
  TrainOptions options = Options("nash-md-pg", 2);
  options.step_size = 0.8;
  options.beta = 0.2;
  const TrainResult trained = Train(games, options);
  // The same two steps by hand, with Eigen.
  const Eigen::MatrixXd A = Generate({.kind = "planted", .n = 6, .seed = 2}).matrix.array() - 0.5;
  const double eta = 0.8, beta = 0.2;
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(6);
  const Eigen::VectorXd log_reference = Eigen::VectorXd::Constant(6, -std::log(6.0));
  for (int step = 0; step < 2; ++step) {
    Eigen::VectorXd log_pi = theta.array() - std::log(theta.array().exp().sum());
    Eigen::VectorXd mixture_logits = (1 - eta * beta) * log_pi + eta * beta * log_reference;
    Eigen::VectorXd mu = mixture_logits.array().exp();
    mu /= mu.sum();
    const Eigen::VectorXd pi = log_pi.array().exp();
    const Eigen::VectorXd h = A * mu - beta * (log_pi - log_reference);
    theta += eta * (pi.array() * (h.array() - pi.dot(h))).matrix();
  }
  Eigen::VectorXd expected = theta.array().exp();
  expected /= expected.sum();
  for (int a = 0; a < 6; ++a) EXPECT_NEAR(trained.policy(0, a), expected(a), 1e-12);
}

// Contexts are independent games: training three at once equals training each alone.
TEST(NeuralTabular, ContextsTrainIndependently) {
  const TrainingGames three = Planted(5, 10, 3);
  const TrainResult together = Train(three, Options("omwu", 40));
  for (int c = 0; c < 3; ++c) {
    const TrainResult alone = Train(Planted(5, 10 + c), Options("omwu", 40));
    EXPECT_NEAR(together.gaps(c), alone.gaps(0), 1e-12);
  }
}

// The fused CPU path and the LibTorch autograd path compute the same iterations (to rounding), for every
// method and both policies it serves.
TEST(NeuralBackends, FusedPathEqualsAutograd) {
  const TrainingGames games = GenerateTrainingGames({.kind = "random", .n = 9, .seed = 12}, 2);
  for (const NeuralMethod& method : NeuralMethods()) {
    for (PolicyKind policy : {PolicyKind::kTabular, PolicyKind::kMlp}) {
     for (FeedbackKind feedback : {FeedbackKind::kExact, FeedbackKind::kSampled}) {
      SCOPED_TRACE(method.name + " " + PolicyKindName(policy) + " " + FeedbackKindName(feedback));
      TrainOptions options = Options(method.name, 40, policy);
      options.learning_rate = policy == PolicyKind::kMlp ? 0.3 : 1.0;
      // Sampled: both paths make the same oracle calls from one generator, so the same draws.
      options.feedback = feedback;
      options.samples = 20;
      if (method.regularized) options.beta = 0.1;
      options.backend = Backend::kFused;
      const TrainResult fused = Train(games, options);
      options.backend = Backend::kAutograd;
      const TrainResult autograd = Train(games, options);
      EXPECT_EQ(fused.backend, "fused");
      EXPECT_EQ(autograd.backend, "autograd");
      ASSERT_EQ(fused.trace.size(), autograd.trace.size());
      for (size_t t = 0; t < fused.trace.size(); ++t) {
        ASSERT_NEAR(fused.trace[t].mean_gap, autograd.trace[t].mean_gap, 1e-10) << "iteration " << t;
        if (t > 0) {
          ASSERT_NEAR(fused.trace[t].loss, autograd.trace[t].loss, 1e-9 * (1 + std::abs(autograd.trace[t].loss)));
        }
      }
      EXPECT_LT((fused.policy - autograd.policy).cwiseAbs().maxCoeff(), 1e-10);
      EXPECT_EQ(fused.queries, autograd.queries);
     }
    }
  }
}

// A checkpoint of the fused path resumes on the autograd path (and back) to rounding: one format.
TEST(NeuralBackends, CheckpointsCrossPaths) {
  const TrainingGames games = Planted(8, 4);
  const std::string directory = TemporaryDirectory("cross");
  TrainOptions first = Options("omwu", 30, PolicyKind::kMlp);
  first.learning_rate = 0.5;
  first.backend = Backend::kFused;
  first.checkpoint_directory = directory;
  Train(games, first);
  TrainOptions second = first;
  second.checkpoint_directory.clear();
  second.iterations = 60;
  second.resume_directory = directory;
  second.backend = Backend::kAutograd;
  const TrainResult resumed = Train(games, second);
  TrainOptions straight = Options("omwu", 60, PolicyKind::kMlp);
  straight.learning_rate = 0.5;
  const TrainResult uninterrupted = Train(games, straight);
  EXPECT_LT((resumed.policy - uninterrupted.policy).cwiseAbs().maxCoeff(), 1e-10);
  std::filesystem::remove_all(directory);
}

// The EGPO network on a planted n = 100 game: OMWU's gap after 5,000 iterations within 3× of the tabular
// policy's at the same settings.
TEST(NeuralMlp, OmwuMatchesTheTabularPolicyOnAPlantedGame) {
  const TrainingGames games = Planted(100, 1);
  const TrainResult tabular = Train(games, Options("omwu", 5000));
  const TrainResult mlp = Train(games, Options("omwu", 5000, PolicyKind::kMlp));
  EXPECT_LT(tabular.mean_gap, tabular.trace.front().mean_gap / 3);  // OMWU's slow linear phase at n = 100
  EXPECT_LT(mlp.mean_gap, 3 * tabular.mean_gap) << "tabular " << tabular.mean_gap;
}

// On random games OMWU's last iterate goes below the plateau where every regularized baseline stops.
TEST(NeuralMlp, OmwuBeatsEveryRegularizedPlateauOnRandomGames) {
  const TrainingGames games = GenerateTrainingGames({.kind = "random", .n = 100, .seed = 4}, 1);
  const TrainResult omwu = Train(games, Options("omwu", 5000, PolicyKind::kMlp));
  for (const NeuralMethod& method : NeuralMethods()) {
    if (!method.regularized || method.default_beta == 0) continue;
    SCOPED_TRACE(method.name);
    TrainOptions options = Options(method.name, 5000, PolicyKind::kMlp);
    const TrainResult regularized = Train(games, options);
    EXPECT_LT(omwu.mean_gap, regularized.mean_gap);
  }
}

// With 100 sampled comparisons per iteration instead of P, the gap still falls.
TEST(NeuralSampled, GapFallsWithSampledFeedback) {
  const TrainingGames games = GenerateTrainingGames({.kind = "random", .n = 20, .seed = 5}, 1);
  TrainOptions options = Options("omwu", 3000, PolicyKind::kMlp);
  options.feedback = FeedbackKind::kSampled;
  options.samples = 100;
  options.learning_rate = 0.01;
  const TrainResult result = Train(games, options);
  EXPECT_EQ(result.queries, 3000 * 100);
  const double start = result.trace.front().mean_gap;
  EXPECT_LT(result.mean_gap, 0.2 * start);
}

// The sampled payoff estimate is unbiased: its mean over many draws approaches A·q.
TEST(NeuralSampled, PayoffEstimateIsUnbiased) {
  const TrainingGames games = Planted(4, 6);
  PreferenceOracle oracle(games.payoff, FeedbackKind::kSampled, 1000, at::detail::createCPUGenerator(7));
  const torch::Tensor q = torch::tensor({{0.1, 0.2, 0.3, 0.4}}, torch::kFloat64);
  torch::Tensor sum = torch::zeros({1, 4}, torch::kFloat64);
  for (int k = 0; k < 400; ++k) sum += oracle.Payoffs(q);
  const torch::Tensor exact = oracle.ExactPayoffs(q);
  // 400,000 queries: the standard error of each entry is below 0.005.
  EXPECT_LT((sum / 400 - exact).abs().max().item<double>(), 0.02);
  EXPECT_EQ(oracle.queries(), 400 * 1000);
}

// A run checkpointed and resumed gives the same trace and policy, bit for bit, as one never stopped:
// sampled feedback (RNG state), Adam (optimizer state), OMWU (previous payoffs), the MLP.
TEST(NeuralCheckpoint, ResumedRunEqualsUninterruptedRun) {
  const TrainingGames games = Planted(12, 9, 2);
  TrainOptions options = Options("omwu", 120, PolicyKind::kMlp);
  options.feedback = FeedbackKind::kSampled;
  options.samples = 30;
  options.optimizer = OptimizerKind::kAdam;
  options.learning_rate = 0.01;
  options.log_every = 7;
  const TrainResult uninterrupted = Train(games, options);

  const std::string directory = TemporaryDirectory("resume");
  TrainOptions first = options;
  first.iterations = 50;
  first.checkpoint_directory = directory;
  first.checkpoint_every = 20;
  Train(games, first);
  TrainOptions second = options;
  second.resume_directory = directory;
  const TrainResult resumed = Train(games, second);
  EXPECT_EQ(resumed.resumed_from, 50);
  EXPECT_EQ(FormatTrainTraceCsv(resumed.trace), FormatTrainTraceCsv(uninterrupted.trace));
  EXPECT_EQ(resumed.queries, uninterrupted.queries);
  EXPECT_TRUE(resumed.policy == uninterrupted.policy);
  std::filesystem::remove_all(directory);
}

TEST(NeuralCheckpoint, RefusesToResumeWithOtherSettings) {
  const TrainingGames games = Planted(6, 1);
  const std::string directory = TemporaryDirectory("mismatch");
  TrainOptions first = Options("omwu", 10);
  first.checkpoint_directory = directory;
  Train(games, first);
  TrainOptions second = Options("omwu", 20);
  second.learning_rate = 0.5;
  second.resume_directory = directory;
  EXPECT_THROW_WITH(Train(games, second), InvalidArgument, "learning_rate", "resume");
  TrainOptions past = Options("omwu", 5);
  past.resume_directory = directory;
  EXPECT_THROW_WITH(Train(games, past), InvalidArgument, "past --iters 5");
  std::filesystem::remove_all(directory);
}

// A checkpoint whose tensors were changed after writing (one parameter edited and the archive saved
// again, as a script would do) or whose bytes were damaged is refused, naming the file.
TEST(NeuralCheckpoint, RefusesATamperedOrDamagedCheckpoint) {
  const TrainingGames games = Planted(6, 1);
  const std::string directory = TemporaryDirectory("tampered");
  TrainOptions first = Options("omwu", 10);
  first.checkpoint_directory = directory;
  Train(games, first);
  const std::string path = directory + "/checkpoint.pt";
  TrainOptions resume = Options("omwu", 20);
  resume.resume_directory = directory;

  torch::serialize::InputArchive sealed;
  sealed.load_from(path);
  c10::IValue format, checksum;
  torch::Tensor payload;
  sealed.read("format", format);
  sealed.read("sha1", checksum);
  sealed.read("payload", payload);
  torch::Tensor edited = payload.clone();
  edited[edited.numel() / 2] = (edited[edited.numel() / 2].item<uint8_t>() + 1) % 256;
  torch::serialize::OutputArchive resealed;
  resealed.write("format", format);
  resealed.write("sha1", checksum);
  resealed.write("payload", edited);
  resealed.save_to(path);
  EXPECT_THROW_WITH(Train(games, resume), ParseError, path, "checksum does not match");

  std::string bytes = ReadWholeFile(path);
  bytes.resize(bytes.size() / 2);  // cut short, as by a full disk outside nlhf
  WriteFileAtomically(path, bytes);
  EXPECT_THROW_WITH(Train(games, resume), ParseError, path, "not a readable nlhf checkpoint");
  std::filesystem::remove_all(directory);
}

TEST(NeuralOptions, RejectsBadOptions) {
  const TrainingGames games = Planted(4, 1);
  EXPECT_THROW_WITH(Train(games, Options("nope", 1)), InvalidArgument, "unknown training algorithm 'nope'");
  TrainOptions options = Options("omwu", 1);
  options.beta = 0.1;
  EXPECT_THROW_WITH(Train(games, options), InvalidArgument, "omwu takes no beta");
  options = Options("nash-md", 1);
  options.step_size = 2;
  options.beta = 1;
  EXPECT_THROW_WITH(Train(games, options), InvalidArgument, "eta·beta <= 1");
  options = Options("omwu", 1);
  options.learning_rate = -1;
  EXPECT_THROW_WITH(Train(games, options), InvalidArgument, "learning_rate");
  options = Options("omwu", 1);
  options.optimizer = OptimizerKind::kAdam;
  options.backend = Backend::kFused;
  EXPECT_THROW_WITH(Train(games, options), InvalidArgument, "fused", "plain SGD");
  options = Options("omwu", 1);
  options.device = "tpu";
  EXPECT_THROW_WITH(Train(games, options), InvalidArgument, "--device tpu");
}

}  // namespace
}  // namespace nlhf::neural
