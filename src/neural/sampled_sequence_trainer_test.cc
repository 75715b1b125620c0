// Training on samples alone (sampled_sequence_trainer.h), checked where it can be: on a space small enough
// to enumerate, the estimated gaps it reports are compared with the exact gaps of the same networks on the
// enumerated game; then the rules, the seeded repeat, resume, and a space too large to enumerate.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "nlhf/error.h"
#include "nlhf/neural/sampled_sequence_trainer.h"
#include "nlhf/neural/transformer_policy.h"
#include "testing.h"

namespace nlhf::neural {
namespace {

SequenceGameOptions Cyclic(int vocabulary = 3, int max_length = 4) {
  return {.vocabulary = vocabulary, .max_length = max_length, .prompts = 2, .prompt_length = 2, .seed = 2,
          .oracle = {.transitivity = 0.2, .seed = 2}};
}

TrainOptions SampledOmwu(std::int64_t iterations) {
  TrainOptions options;
  options.algorithm = "omwu";
  options.step_size = 0.3;
  options.iterations = iterations;
  options.log_every = iterations > 0 ? iterations : 1;
  options.policy.kind = PolicyKind::kTransformer;
  options.policy.hidden_width = 8;
  options.optimizer = OptimizerKind::kAdam;
  options.learning_rate = 3e-3;
  options.fit_steps = 5;
  options.feedback = FeedbackKind::kSampled;
  options.samples = 32;
  options.seed = 5;
  return options;
}

// The exact gap of each prompt under `network`'s parameters, from the enumerated game: the same weights in
// a transformer over the enumerated setting, its policy over every response, and 2·max (Aπ).
Eigen::VectorXd ExactGaps(const PolicyNetwork& network, const TrainOptions& options, const TrainingGames& games) {
  at::Generator generator = at::detail::createCPUGenerator(0);
  TransformerPolicy enumerated(options.policy, games.sequences, generator);
  {
    torch::NoGradGuard no_grad;
    const auto trained = network.named_parameters();
    for (auto& p : enumerated.named_parameters()) p.value().copy_(trained[p.key()]);
  }
  const torch::Tensor pi = torch::softmax(enumerated.Logits(), 1).detach();
  Eigen::VectorXd gaps(pi.size(0));
  for (std::int64_t c = 0; c < pi.size(0); ++c) {
    gaps(c) = 2 * torch::matmul(games.payoff[c], pi[c]).max().item<double>();
  }
  return gaps;
}

// On V = 3, T = 4 (121 responses) the trainer never enumerates, yet its estimates can be checked: each is
// within its interval (widened by 0.01 for a search that may stop short of the best response) of the exact
// gap of the same network, at the start and after training; and OMWU's training lowers the exact gap.
TEST(SampledSequenceTraining, EstimatedGapsAgreeWithTheExactGapsOfTheSameNetwork) {
  const TrainingGames games = MakeSequenceGames(Cyclic());
  const std::shared_ptr<SequenceSetting> setting = MakeSequenceSetting(Cyclic());
  EXPECT_FALSE(setting->enumerated());
  EXPECT_TRUE(torch::equal(setting->prompts, games.sequences->prompts));
  for (const std::int64_t iterations : {0, 150}) {
    const TrainOptions options = SampledOmwu(iterations);
    const SampledTrainResult sampled = TrainOnSamples(setting, options);
    const TrainResult& result = sampled.train;
    ASSERT_EQ(result.termination, Termination::kMaxIterations) << result.message;
    EXPECT_TRUE(result.gap_estimated);
    EXPECT_EQ(result.policy.size(), 0);
    const Eigen::VectorXd exact = ExactGaps(*result.trained_network, options, games);
    for (int c = 0; c < 2; ++c) {
      SCOPED_TRACE(fmt::format("iterations {}, prompt {}: estimate {} [{}, {}], exact {}", iterations, c,
                               result.gaps(c), result.gap_low(c), result.gap_high(c), exact(c)));
      EXPECT_LE(result.gap_low(c), result.gaps(c));
      EXPECT_LE(result.gaps(c), result.gap_high(c));
      EXPECT_GE(exact(c), result.gap_low(c) - 0.01);
      EXPECT_LE(exact(c), result.gap_high(c) + 0.01);
    }
    EXPECT_NEAR(result.mean_gap, result.gaps.mean(), 1e-15);
    EXPECT_EQ(sampled.top_responses.size(), 2u);
    if (iterations > 0) {
      const Eigen::VectorXd initial = ExactGaps(*TrainOnSamples(setting, SampledOmwu(0)).train.trained_network,
                                                options, games);
      EXPECT_LT(exact.mean(), 0.75 * initial.mean());  // measured: 0.1465 -> 0.078
      // K(K − 1)/2 queries per prompt per step, and OMWU's K² against the previous draws after the first.
      const std::int64_t k = options.samples;
      EXPECT_EQ(result.queries, 2 * (iterations * k * (k - 1) / 2 + (iterations - 1) * k * k));
    }
  }
}

TEST(SampledSequenceTraining, RepeatsWithItsSeedAndResumesFromACheckpoint) {
  const std::shared_ptr<SequenceSetting> setting = MakeSequenceSetting(Cyclic());
  TrainOptions options = SampledOmwu(12);
  options.log_every = 4;
  const GapSearchOptions search{.candidates = 32, .opponents = 64, .rounds = 1, .validation = 128};
  const SampledTrainResult whole = TrainOnSamples(setting, options, search);
  const SampledTrainResult again = TrainOnSamples(setting, options, search);
  ASSERT_EQ(whole.train.trace.size(), 4u);
  for (size_t i = 0; i < whole.train.trace.size(); ++i) {
    EXPECT_EQ(whole.train.trace[i].mean_gap, again.train.trace[i].mean_gap);
    EXPECT_THAT(whole.train.trace[i].loss, ::testing::NanSensitiveDoubleEq(again.train.trace[i].loss));
  }
  const std::string directory =
      (std::filesystem::temp_directory_path() / fmt::format("nlhf-sampled-{}", ::getpid())).string();
  TrainOptions first = options;
  first.iterations = 8;
  first.checkpoint_directory = directory;
  TrainOnSamples(setting, first, search);
  TrainOptions rest = options;
  rest.resume_directory = directory;
  const SampledTrainResult resumed = TrainOnSamples(setting, rest, search);
  EXPECT_EQ(resumed.train.resumed_from, 8);
  ASSERT_EQ(resumed.train.trace.size(), whole.train.trace.size());
  for (size_t i = 0; i < whole.train.trace.size(); ++i) {
    EXPECT_EQ(resumed.train.trace[i].mean_gap, whole.train.trace[i].mean_gap) << i;
    EXPECT_EQ(resumed.train.trace[i].queries, whole.train.trace[i].queries) << i;
  }
  EXPECT_EQ(resumed.train.queries, whole.train.queries);
  // A checkpoint of other settings is refused, naming the setting.
  rest.samples = 6;
  EXPECT_THROW(TrainOnSamples(setting, rest, search), InvalidArgument);
  std::filesystem::remove_all(directory);
}

// V = 16, T = 5: 1,118,481 responses, never enumerated (the transformer's policy over all of them is
// refused); the run trains, estimates and names its most probable responses.
TEST(SampledSequenceTraining, TrainsOnASpaceTooLargeToEnumerate) {
  const std::shared_ptr<SequenceSetting> setting = MakeSequenceSetting(Cyclic(16, 5));
  EXPECT_FALSE(setting->space.enumerable());
  EXPECT_THROW(MakeSequenceGames(Cyclic(16, 5)), InvalidArgument);
  TrainOptions options = SampledOmwu(3);
  const GapSearchOptions search{.candidates = 32, .opponents = 64, .rounds = 1, .validation = 128};
  const SampledTrainResult sampled = TrainOnSamples(setting, options, search);
  ASSERT_EQ(sampled.train.termination, Termination::kMaxIterations) << sampled.train.message;
  EXPECT_GT(sampled.train.mean_gap, 0);
  EXPECT_LE(sampled.train.mean_gap, 1);
  EXPECT_THAT(sampled.train.message, ::testing::HasSubstr("not a certificate"));
  ASSERT_EQ(sampled.top_responses.size(), 2u);
  for (const auto& top : sampled.top_responses) {
    ASSERT_FALSE(top.empty());
    for (size_t i = 1; i < top.size(); ++i) EXPECT_GE(top[i - 1].probability, top[i].probability);
  }
  auto& policy = dynamic_cast<TransformerPolicy&>(*sampled.train.trained_network);
  EXPECT_THROW(policy.Logits(), InvalidArgument);
}

TEST(SampledSequenceTraining, RefusesWhatCannotTrainOnSamplesNamingTheRule) {
  const std::shared_ptr<SequenceSetting> setting = MakeSequenceSetting(Cyclic());
  const auto refusal = [&](const std::function<void(TrainOptions&)>& change) {
    TrainOptions options = SampledOmwu(1);
    change(options);
    try {
      TrainOnSamples(setting, options);
    } catch (const InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(refusal([](TrainOptions& o) { o.algorithm = "nash-md"; }), ::testing::HasSubstr("mixture"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.algorithm = "nash-md-pg"; }), ::testing::HasSubstr("mixture"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.algorithm = "egpo"; }), ::testing::HasSubstr("pi_{t+1/2}"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.feedback = FeedbackKind::kExact; }), ::testing::HasSubstr("--feedback sampled"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.samples = 1; }), ::testing::HasSubstr("samples >= 2"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.policy.kind = PolicyKind::kTabular; }), ::testing::HasSubstr("--policy transformer"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.reference_log_policy = Eigen::VectorXd::Zero(1); }),
              ::testing::HasSubstr("uniform"));
  EXPECT_THAT(refusal([](TrainOptions& o) { o.backend = Backend::kFused; }), ::testing::HasSubstr("fused"));
  EXPECT_EQ(refusal([](TrainOptions& o) { o.algorithm = "online-ipo"; }), "accepted");
  EXPECT_EQ(refusal([](TrainOptions& o) { o.algorithm = "mmd"; }), "accepted");
}

}  // namespace
}  // namespace nlhf::neural
