// Sequence policies: the response space, the oracles, the games built from them, the transformer's
// log-probabilities and samples, and training certified by the exact duality gap on the enumerated game.
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <filesystem>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/neural/gap_estimate.h"
#include "nlhf/neural/methods.h"
#include "nlhf/neural/sequence_games.h"
#include "nlhf/neural/trainer.h"
#include "nlhf/neural/transformer_policy.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/clp_lp.h"
#include "neural/eigen_tensor.h"
#include "neural/on_policy_feedback.h"
#include "neural/tabular_trace_check.h"
#include "testing.h"

namespace nlhf::neural {
namespace {

Eigen::MatrixXd ContextPayoff(const TrainingGames& games, int c) {
  const torch::Tensor a = games.payoff[c].contiguous();
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      a.data_ptr<double>(), a.size(0), a.size(1));
}

TrainingGames CyclicGames(int prompts = 2, int prompt_length = 2, std::uint64_t seed = 1, double transitivity = 0.0) {
  return MakeSequenceGames({.vocabulary = 3, .max_length = 4, .prompts = prompts, .prompt_length = prompt_length,
                            .seed = seed, .oracle = {.transitivity = transitivity, .seed = seed}});
}

std::string TemporaryPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / fmt::format("nlhf-sequence-{}-{}", ::getpid(), name)).string();
}

// The space of V = 3, T = 2 by hand: "", a, b, c, aa, ab, ..., cc — 13 responses in that order.
TEST(SequenceSpace, EnumeratesEveryResponseOnceShortestFirst) {
  const SequenceSpace space(3, 2);
  EXPECT_EQ(*space.size(), 13);
  const torch::Tensor all = space.Enumerate();
  ASSERT_EQ(all.size(0), 13);
  const std::vector<std::string> expected = {"<empty>", "a", "b", "c", "aa", "ab", "ac", "ba", "bb", "bc", "ca", "cb", "cc"};
  for (int i = 0; i < 13; ++i) {
    std::vector<int> tokens;
    for (int k = 0; k < 2 && all[i][k].item<int>() != 3; ++k) tokens.push_back(all[i][k].item<int>());
    EXPECT_EQ(space.Decode(tokens), expected[static_cast<size_t>(i)]);
    EXPECT_EQ(*space.Parse(expected[static_cast<size_t>(i)]), tokens);
  }
  EXPECT_TRUE(torch::equal(space.Index(all), torch::arange(13, torch::kInt64)));
  EXPECT_TRUE(torch::equal(space.Lengths(all), torch::tensor({0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2}, torch::kInt64)));
  for (const char* bad : {"", "d", "abc", "A", "<EMPTY>"}) EXPECT_FALSE(space.Parse(bad)) << bad;
  // Large vocabularies are written t0.t12.
  const SequenceSpace large(30, 2);
  EXPECT_EQ(large.Decode({0, 12}), "t0.t12");
  EXPECT_EQ(*large.Parse("t0.t12"), (std::vector<int>{0, 12}));
  EXPECT_FALSE(large.Parse("t30"));
  EXPECT_FALSE(large.Parse("t1."));
  // Σ V^k, and spaces beyond the enumeration limit say so.
  EXPECT_EQ(*SequenceSpace(3, 4).size(), 121);
  EXPECT_EQ(*SequenceSpace(1, 64).size(), 65);
  EXPECT_FALSE(SequenceSpace(1000, 64).size());
  EXPECT_FALSE(SequenceSpace(30, 4).enumerable());
  EXPECT_THROW(SequenceSpace(30, 4).Enumerate(), InvalidArgument);
  EXPECT_THROW(SequenceSpace(0, 4), InvalidArgument);
  EXPECT_THROW(SequenceSpace(3, 0), InvalidArgument);
}

// The gpm oracle is one function: its matrix equals its pairwise answers, P + Pᵀ = 1 (its skew part is
// exactly antisymmetric), the seed fixes it, and transitivity 1 is Bradley–Terry: P(y ≻ y′) = σ(3(r − r′))
// has a response preferred to every other (a pure equilibrium), while the cyclic games have mixed ones.
TEST(SequenceOracle, GpmMatrixIsItsPairwiseAnswersAndTransitivityDialsCycles) {
  const SequenceSpace space(3, 3);
  const torch::Tensor responses = space.Enumerate();
  const torch::Tensor prompt = torch::tensor({0, 2}, torch::kInt64);
  const auto oracle = MakeSequenceOracle({.transitivity = 0.3, .seed = 4}, space, 2);
  const torch::Tensor p = oracle->Matrix(prompt, responses);
  const std::int64_t n = responses.size(0);
  const torch::Tensor pairs = oracle->Probabilities(prompt, responses.repeat_interleave(n, 0), responses.repeat({n, 1}));
  EXPECT_LT((pairs.view({n, n}) - p).abs().max().item<double>(), 1e-12);
  EXPECT_LT((p + p.t() - 1).abs().max().item<double>(), 1e-12);
  EXPECT_TRUE(torch::equal(p, MakeSequenceOracle({.transitivity = 0.3, .seed = 4}, space, 2)->Matrix(prompt, responses)));
  EXPECT_FALSE(torch::equal(p, MakeSequenceOracle({.transitivity = 0.3, .seed = 5}, space, 2)->Matrix(prompt, responses)));

  // Past the enumeration limit the centre is estimated from seeded draws: still one fixed, complementary
  // function.
  const SequenceSpace large(30, 4);
  const torch::Tensor first = torch::tensor({{0, 5, 29, 30}, {30, 30, 30, 30}, {7, 7, 7, 7}}, torch::kInt64);
  const torch::Tensor second = torch::tensor({{1, 30, 30, 30}, {2, 3, 4, 30}, {7, 7, 7, 6}}, torch::kInt64);
  const torch::Tensor large_prompt = torch::tensor({4}, torch::kInt64);
  const torch::Tensor forward = MakeSequenceOracle({.transitivity = 0.2, .seed = 4}, large, 1)->Probabilities(large_prompt, first, second);
  const torch::Tensor backward = MakeSequenceOracle({.transitivity = 0.2, .seed = 4}, large, 1)->Probabilities(large_prompt, second, first);
  EXPECT_LT((forward + backward - 1).abs().max().item<double>(), 1e-12);
  EXPECT_TRUE(forward.gt(0).logical_and(forward.lt(1)).all().item<bool>());
  EXPECT_GT((forward - 0.5).abs().max().item<double>(), 1e-3);

  for (const double transitivity : {0.0, 1.0}) {
    const TrainingGames games = MakeSequenceGames({.vocabulary = 3, .max_length = 4, .prompts = 3, .seed = 2,
                                                  .oracle = {.transitivity = transitivity, .seed = 2}});
    for (int c = 0; c < 3; ++c) {
      const Eigen::VectorXd x = SolveMaximinClp(ContextPayoff(games, c), ClpMethod::kDualSimplex);
      const int support = static_cast<int>((x.array() > 1e-9).count());
      if (transitivity == 1.0) {
        EXPECT_EQ(support, 1) << "prompt " << games.contexts[c];
      } else {
        EXPECT_GE(support, 10) << "prompt " << games.contexts[c];
      }
    }
  }
}

// A table oracle read from a file gives the game the file states, whatever order its rows are in; a table
// that misses a response, names one twice or names a string that is no response is refused by name.
TEST(SequenceOracle, TableOracleReadsTheMatrixItsNamesState) {
  const TrainingGames gpm = CyclicGames(1, 0);
  const SequenceSetting& setting = *gpm.sequences;
  const Eigen::MatrixXd p = (ContextPayoff(gpm, 0).array() + 0.5).matrix();
  const std::int64_t n = p.rows();
  // Rows reversed: the oracle must map names, not positions.
  MatrixFile file;
  file.values = p.colwise().reverse().rowwise().reverse();
  file.row_names.assign(setting.names.rbegin(), setting.names.rend());
  const std::string path = TemporaryPath("table.json");
  WriteMatrixFile(path, file);
  const TrainingGames table = MakeSequenceGames(
      {.vocabulary = 3, .max_length = 4, .prompts = 1, .prompt_length = 0, .oracle = {.kind = SequenceOracleKind::kTable, .file = path}});
  EXPECT_LT((ContextPayoff(table, 0) - ContextPayoff(gpm, 0)).cwiseAbs().maxCoeff(), 1e-15);

  const auto expect_refused = [&](MatrixFile bad, const std::string& needle) {
    WriteMatrixFile(path, bad);
    try {
      MakeSequenceGames({.vocabulary = 3, .max_length = 4, .prompt_length = 0,
                         .oracle = {.kind = SequenceOracleKind::kTable, .file = path}});
      ADD_FAILURE() << "accepted: " << needle;
    } catch (const InvalidArgument& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(path));
      EXPECT_THAT(e.what(), ::testing::HasSubstr(needle));
    }
  };
  MatrixFile twice = file;
  twice.row_names[1] = twice.row_names[0];
  expect_refused(twice, "are both");
  MatrixFile stranger = file;
  stranger.row_names[3] = "abcd e";
  expect_refused(stranger, "is named \"abcd e\"");
  MatrixFile small;
  small.values = p.topLeftCorner(n - 1, n - 1);
  small.row_names.assign(setting.names.begin(), setting.names.end() - 1);
  expect_refused(small, "120 responses");
  MatrixFile unnamed = file;
  unnamed.row_names.clear();
  expect_refused(unnamed, "no response names");
  std::filesystem::remove(path);
}

// The transformer's enumerated log-probabilities are a distribution over the responses of every prompt,
// equal to the log-probabilities of the same responses asked one by one, and its samples follow it.
TEST(Transformer, LogProbabilitiesAreADistributionAndSamplesFollowIt) {
  const TrainingGames games = CyclicGames(2, 2);
  at::Generator generator = at::detail::createCPUGenerator(3);
  PolicyNetworkOptions options;
  options.kind = PolicyKind::kTransformer;
  options.hidden_width = 8;
  TransformerPolicy policy(options, games.sequences, generator);
  // Larger weights than the initial ones, so that the distribution is far from uniform.
  {
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : policy.parameters()) p.mul_(25.0);
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor log_pi = policy.Logits();
  const torch::Tensor totals = log_pi.exp().sum(1);
  EXPECT_LT((totals - 1).abs().max().item<double>(), 1e-12);
  EXPECT_GT((log_pi.amax(1) - log_pi.amin(1)).min().item<double>(), 2.0);  // not uniform

  const SequenceSetting& setting = *games.sequences;
  // Logits() reads every response off the V^(T−1) strings of T − 1 tokens; asked one row per response,
  // each gives the same number.
  const std::int64_t n = setting.responses.size(0);
  for (std::int64_t c = 0; c < 2; ++c) {
    const torch::Tensor asked = policy.LogProbabilities(torch::full({n}, c, torch::kInt64), setting.responses);
    EXPECT_LT((asked - log_pi[c]).abs().max().item<double>(), 1e-12) << "prompt " << c;
  }
  // And at T = 1, where the strings are empty.
  const TrainingGames single = MakeSequenceGames({.vocabulary = 4, .max_length = 1, .prompt_length = 1});
  TransformerPolicy one_token(options, single.sequences, generator);
  const torch::Tensor one = one_token.Logits();
  EXPECT_LT((one.exp().sum(1) - 1).abs().max().item<double>(), 1e-12);
  EXPECT_LT((one_token.LogProbabilities(torch::zeros({5}, torch::kInt64), single.sequences->responses) - one[0])
                .abs().max().item<double>(), 1e-12);

  constexpr int kSamples = 20000;
  at::Generator draws = at::detail::createCPUGenerator(9);
  const torch::Tensor sample = policy.Sample(1, kSamples, draws);
  const torch::Tensor counts = torch::bincount(setting.space.Index(sample), {}, setting.responses.size(0)).to(torch::kFloat64);
  const torch::Tensor expected = log_pi[1].exp() * kSamples;
  // Each count is Binomial(kSamples, π): within 5 standard deviations (+1 for rounding) everywhere.
  const torch::Tensor allowed = 5 * (expected * (1 - log_pi[1].exp())).sqrt() + 1;
  EXPECT_TRUE(((counts - expected).abs() <= allowed).all().item<bool>());
  // Seeded: the same draws again.
  at::Generator again = at::detail::createCPUGenerator(9);
  EXPECT_TRUE(torch::equal(policy.Sample(1, kSamples, again), sample));
}

// With every response weighted exactly and one free logit per response, one SGD step (lr 1) of each method
// is the tabular method on the enumerated game: the same gap at every iteration as the registry's solver.
TEST(SequenceTraining, ExactlyWeightedStepIsTheTabularMethodOnTheEnumeratedGame) {
  const TrainingGames games = CyclicGames(1, 2);
  TrainOptions options;
  options.policy.kind = PolicyKind::kTabular;
  options.backend = Backend::kAutograd;
  ExpectEveryMethodTracesItsTabularSolver(games, ZeroSumGame::FromPayoff(ContextPayoff(games, 0)), options, 40, 0.8);
}

// On a cyclic gpm game (V = 3, T = 4: 121 responses, transitivity 0, seed 3, mixed equilibria), OMWU's last
// iterate reaches an exact gap below 1e-3 (5.4e-5 mean in 20,000 iterations) while the regularized methods stop
// at their bias; the exact LP (CLP) on the same matrix certifies a mixed equilibrium, and the responses OMWU
// plays with probability > 1e-3 are best responses to it (to 1e-3). (Purely cyclic games have many tied
// responses and converge slowly: with seed 1 the gap was still 1.3e-3 after 20,000 iterations.)
TEST(SequenceTraining, OmwuReachesTheEquilibriumTheLpFindsAndRegularizedMethodsStopAtTheirBias) {
  const TrainingGames games = CyclicGames(2, 2, 3, 0.0);
  TrainOptions options;
  options.algorithm = "omwu";
  options.iterations = 20000;
  options.log_every = 20000;
  options.policy.kind = PolicyKind::kTabular;
  const TrainResult omwu = Train(games, options);
  EXPECT_LT(omwu.max_gap, 1e-3);
  for (const char* regularized : {"online-ipo", "mmd"}) {
    options.algorithm = regularized;
    const TrainResult biased = Train(games, options);
    EXPECT_GT(biased.mean_gap, 10 * omwu.mean_gap) << regularized;
    EXPECT_LT(biased.mean_regularized_gap, 1e-6) << regularized;  // converged, to the regularized equilibrium
  }
  for (int c = 0; c < 2; ++c) {
    const Eigen::MatrixXd a = ContextPayoff(games, c);
    const Eigen::VectorXd x = SolveMaximinClp(a, ClpMethod::kDualSimplex);
    EXPECT_LT(2 * (a * x).maxCoeff(), 1e-9);  // the LP's answer is an exact equilibrium
    EXPECT_GE((x.array() > 1e-9).count(), 3);  // and a mixed one: the game is cyclic
    const Eigen::VectorXd pi = omwu.policy.row(c).transpose();
    EXPECT_LT(2 * (a * pi).maxCoeff(), 1e-3);
    // Against the LP's equilibrium x, every response has payoff <= 0; the ones OMWU plays are (near) 0.
    const Eigen::VectorXd payoff_against_lp = a * x;
    for (Eigen::Index y = 0; y < pi.size(); ++y) {
      if (pi(y) > 1e-3) {
        EXPECT_GT(payoff_against_lp(y), -1e-3) << "response " << games.sequences->names[static_cast<size_t>(y)];
      }
    }
  }
}

// The transformer trains through the same loop, certified by the exact gap of its enumerated policy; the
// certificate is the gap of the policy the result reports.
TEST(SequenceTraining, TransformerRunIsCertifiedOnItsOwnPolicy) {
  const TrainingGames games = CyclicGames(2, 2);
  TrainOptions options;
  options.algorithm = "omwu";
  options.iterations = 30;
  options.log_every = 10;
  options.learning_rate = kTransformerLearningRate;
  options.policy.kind = PolicyKind::kTransformer;
  options.policy.hidden_width = 8;
  const TrainResult result = Train(games, options);
  ASSERT_EQ(result.termination, Termination::kMaxIterations) << result.message;
  EXPECT_EQ(result.backend, "autograd");
  for (int c = 0; c < 2; ++c) {
    const Eigen::VectorXd pi = result.policy.row(c).transpose();
    EXPECT_NEAR(pi.sum(), 1.0, 1e-12);
    EXPECT_NEAR(2 * (ContextPayoff(games, c) * pi).maxCoeff(), result.gaps(c), 1e-12);
  }
  EXPECT_LT(result.mean_gap, result.trace.front().mean_gap);  // it learns
  // Seeded: the same run again gives the same numbers.
  EXPECT_EQ(Train(games, options).mean_gap, result.mean_gap);
}

// --fit-steps: more optimizer steps per iteration fit the target's minimizer, the tabular update
// log π_0 + η A π_0 (OMWU's first step), more closely: the centred residual fell from 0.92 after one Adam
// step to 0.46, 0.20, 0.046 and 0.017 after 10, 30, 120 and 300.
TEST(SequenceTraining, FitStepsBringTheTransformerCloserToTheTabularUpdate) {
  const TrainingGames games = CyclicGames(1, 2);
  TrainOptions options;
  options.algorithm = "omwu";
  options.policy.kind = PolicyKind::kTransformer;
  options.policy.hidden_width = 8;
  options.optimizer = OptimizerKind::kAdam;
  options.learning_rate = 0.01;
  options.iterations = 0;
  const Eigen::VectorXd initial = Train(games, options).policy.row(0).transpose();
  const Eigen::MatrixXd a = ContextPayoff(games, 0);
  const Eigen::VectorXd update = initial.array().log() + (a * initial).array();  // η = 1
  const auto residual = [&](int fit_steps) {
    options.iterations = 1;
    options.fit_steps = fit_steps;
    const Eigen::VectorXd r = Train(games, options).policy.row(0).transpose().array().log().matrix() - update;
    return (r.array() - r.mean()).matrix().norm();
  };
  const double one = residual(1), many = residual(120);
  EXPECT_LT(many, 0.1 * one) << one << " vs " << many;
  options.fit_steps = 0;
  EXPECT_THAT(options.Validate(), ::testing::HasSubstr("fit_steps = 0"));
}

// On-policy feedback: the leave-one-out estimate of each drawn response's payoff, and the estimate against
// responses drawn from another policy, average to (Aπ)_y and (Aq)_y (5σ per response asked 300+ times);
// the leave-one-out estimates of a context sum to zero (each query counts once for and once against),
// and every query is counted.
TEST(OnPolicyFeedback, EstimatesAverageToThePayoffsOfTheDrawnResponses) {
  using internal::LeaveOneOutPayoffs;
  using internal::PayoffsAgainst;
  const TrainingGames games = CyclicGames(1, 2);
  const torch::Tensor payoff = games.payoff;
  const std::int64_t n = payoff.size(1);
  constexpr int kDraws = 4000, kSamples = 8;
  PreferenceOracle oracle(payoff, FeedbackKind::kSampled, kSamples, at::detail::createCPUGenerator(5));
  at::Generator generator = at::detail::createCPUGenerator(6);
  const torch::Tensor pi = torch::softmax(2.0 * torch::randn({1, n}, generator, torch::kFloat64), 1);
  const torch::Tensor q = torch::softmax(2.0 * torch::randn({1, n}, generator, torch::kFloat64), 1);
  const torch::Tensor exact_pi = torch::matmul(payoff, pi.unsqueeze(2)).view({n});
  const torch::Tensor exact_q = torch::matmul(payoff, q.unsqueeze(2)).view({n});
  torch::Tensor sum_pi = torch::zeros({n}, torch::kFloat64), sum_q = torch::zeros({n}, torch::kFloat64);
  torch::Tensor count = torch::zeros({n}, torch::kFloat64);
  for (int d = 0; d < kDraws; ++d) {
    const torch::Tensor responses = oracle.Draw(pi, kSamples);
    const torch::Tensor g = LeaveOneOutPayoffs(internal::ComparerOf(oracle), responses);
    ASSERT_NEAR(g.sum().item<double>(), 0.0, 1e-12);
    sum_pi.index_add_(0, responses.view({-1}), g.view({-1}));
    sum_q.index_add_(0, responses.view({-1}), PayoffsAgainst(internal::ComparerOf(oracle), responses, oracle.Draw(q, kSamples)).view({-1}));
    count.index_add_(0, responses.view({-1}), torch::ones({kSamples}, torch::kFloat64));
  }
  EXPECT_EQ(oracle.queries(), kDraws * (kSamples * (kSamples - 1) / 2 + kSamples * kSamples));
  int checked = 0;
  for (std::int64_t y = 0; y < n; ++y) {
    const double asked = count[y].item<double>();
    if (asked < 300) continue;
    ++checked;
    const double tolerance = 5 * 0.5 / std::sqrt(asked);  // each estimate lies in [−½, ½]
    EXPECT_NEAR(sum_pi[y].item<double>() / asked, exact_pi[y].item<double>(), tolerance) << "response " << y;
    EXPECT_NEAR(sum_q[y].item<double>() / asked, exact_q[y].item<double>(), tolerance) << "response " << y;
  }
  EXPECT_GE(checked, 10);
  EXPECT_THROW(LeaveOneOutPayoffs(internal::ComparerOf(oracle), oracle.Draw(pi, 1)), InvalidArgument);
}

// Sampled feedback on sequence games trains on K responses per prompt drawn from π_t: OMWU, Nash-MD (whose
// opponents are drawn from μ_t) and online IPO lower the exact gap, repeat with the seed, count
// K(K − 1)/2 queries per prompt and iteration (OMWU K² more against the responses of π_{t−1}), and a run
// resumed from a checkpoint (which keeps those responses) equals the straight run.
TEST(SequenceTraining, OnPolicySampledMethodsLearnRepeatAndResume) {
  const TrainingGames games = CyclicGames(2, 2, 3, 0.2);
  for (const char* algorithm : {"omwu", "nash-md", "online-ipo"}) {
    SCOPED_TRACE(algorithm);
    TrainOptions options;
    options.algorithm = algorithm;
    options.policy.kind = PolicyKind::kTabular;
    options.feedback = FeedbackKind::kSampled;
    options.samples = 16;
    options.learning_rate = 10;  // the loss is a mean over the K draws: a response's step is about π_t(y)·lr·η
    options.step_size = 0.3;
    options.iterations = 400;
    options.log_every = 400;
    options.seed = 4;
    const TrainResult result = Train(games, options);
    ASSERT_EQ(result.termination, Termination::kMaxIterations) << result.message;
    EXPECT_EQ(result.backend, "autograd");
    EXPECT_LT(result.mean_gap, 0.95 * result.trace.front().mean_gap);
    const std::int64_t pairs = 16 * 15 / 2;
    const std::int64_t per_prompt =
        std::string(algorithm) == "omwu" ? 400 * pairs + 399 * 16 * 16 : std::string(algorithm) == "nash-md" ? 400 * 16 * 16 : 400 * pairs;
    EXPECT_EQ(result.queries, 2 * per_prompt);
    EXPECT_EQ(Train(games, options).policy, result.policy);
    if (std::string(algorithm) != "omwu") continue;
    const std::string directory = TemporaryPath("on-policy-checkpoint");
    TrainOptions first = options;
    first.iterations = 250;
    first.checkpoint_directory = directory;
    Train(games, first);
    TrainOptions second = options;
    second.resume_directory = directory;
    const TrainResult resumed = Train(games, second);
    EXPECT_EQ(resumed.policy, result.policy);
    EXPECT_EQ(resumed.queries, result.queries);
    std::filesystem::remove_all(directory);
  }
}

// The estimated gap, checked where the exact one is known: after 30 OMWU iterations on the cyclic game,
// and for a policy that plays one response with probability 0.99 (whose best response the 256 draws
// rarely contain, so the one-token edits must find it). The response found is a best response to within
// 10% of the exact gap, its exact payoff lies in the estimate's interval widened to 4σ, the interval
// is below the exact gap up to that width, and the same generator repeats the numbers.
TEST(GapEstimate, FindsANearBestResponseAndBracketsItsExactPayoff) {
  const TrainingGames games = CyclicGames(2, 2, 3, 0.2);
  const SequenceSetting& setting = *games.sequences;
  TrainOptions options;
  options.policy.kind = PolicyKind::kTabular;
  options.iterations = 30;
  const TrainResult trained = Train(games, options);
  const std::int64_t n = games.num_responses();
  Eigen::VectorXd concentrated = Eigen::VectorXd::Constant(n, 0.01 / static_cast<double>(n - 1));
  concentrated[57] = 0.99;
  for (int c = 0; c < 3; ++c) {
    SCOPED_TRACE(c);
    const int context = c % 2;
    const Eigen::VectorXd pi = c < 2 ? Eigen::VectorXd(trained.policy.row(context).transpose()) : concentrated;
    const Eigen::MatrixXd a = ContextPayoff(games, context);
    const Eigen::VectorXd payoffs = a * pi;
    const double exact_gap = 2 * payoffs.maxCoeff();
    const GapSearchOptions search;
    const auto estimate_with = [&](std::uint64_t seed) {
      at::Generator generator = at::detail::createCPUGenerator(seed);
      return EstimateGap(setting.space, EnumeratedSampler(setting.responses, internal::ToTensor(pi).view({-1})),
                         MatrixJudge(setting.space, games.payoff[context]), search, generator);
    };
    const GapEstimate estimate = estimate_with(11);
    const std::int64_t found = setting.space.Index(estimate.best_response).item<std::int64_t>();
    const double found_exact = 2 * payoffs[found];
    EXPECT_GE(found_exact, 0.9 * exact_gap) << setting.names[static_cast<size_t>(found)];
    const double width = 2 * (estimate.high - estimate.low);  // ±4σ
    EXPECT_LT(estimate.low, estimate.gap);
    EXPECT_LT(estimate.gap, estimate.high);
    EXPECT_NEAR(estimate.gap, found_exact, width);
    EXPECT_LT(estimate.low, exact_gap + width / 4);
    EXPECT_GT(estimate.scored, 0);
    EXPECT_EQ(estimate.judged, estimate.scored * search.opponents + search.validation);
    const GapEstimate again = estimate_with(11);
    EXPECT_EQ(again.gap, estimate.gap);
    EXPECT_TRUE(torch::equal(again.best_response, estimate.best_response));
  }
  GapSearchOptions bad;
  bad.validation = 1;
  EXPECT_THAT(bad.Validate(), ::testing::HasSubstr("validation >= 2"));
}

std::string Judge(const std::string& name) { return std::string(NLHF_SOURCE_DIR) + "/tests/data/judges/" + name; }

// The TorchScript oracle loads the module scripts/make_sequence_judges.py made and answers as the same
// function computed here: σ(w·(c − c′) + cᵀSc′) over the token counts of prompt and response.
TEST(SequenceOracle, TorchScriptJudgeAnswersAsTheSameFunctionInCpp) {
  const SequenceSpace space(3, 4);
  const auto oracle = MakeSequenceOracle({.kind = SequenceOracleKind::kTorchScript, .file = Judge("judge.pt")}, space, 2);
  const torch::Tensor responses = space.Enumerate();
  const torch::Tensor prompt = torch::tensor({2, 0}, torch::kInt64);
  const torch::Tensor p = oracle->Matrix(prompt, responses);
  const double w[3] = {0.5, -1.0, 0.25};
  const double skew[3][3] = {{0.0, 1.5, -0.5}, {-1.5, 0.0, 2.0}, {0.5, -2.0, 0.0}};
  const auto counts = [&](std::int64_t i) {
    std::array<double, 3> c = {0, 0, 0};
    c[2] += 1;  // the prompt "ca"
    c[0] += 1;
    for (int k = 0; k < 4; ++k) {
      if (const std::int64_t token = responses[i][k].item<std::int64_t>(); token < 3) c[static_cast<size_t>(token)] += 1;
    }
    return c;
  };
  double largest_difference = 0;
  for (std::int64_t i = 0; i < responses.size(0); i += 7) {
    for (std::int64_t j = 0; j < responses.size(0); j += 5) {
      const auto c1 = counts(i), c2 = counts(j);
      double z = 0;
      for (int a = 0; a < 3; ++a) {
        z += w[a] * (c1[a] - c2[a]);
        for (int b = 0; b < 3; ++b) z += c1[a] * skew[a][b] * c2[b];
      }
      largest_difference = std::max(largest_difference, std::abs(p[i][j].item<double>() - 1 / (1 + std::exp(-z))));
    }
  }
  EXPECT_LT(largest_difference, 1e-12);
  // Games built on it train like any other.
  const TrainingGames games = MakeSequenceGames({.vocabulary = 3, .max_length = 4, .prompt_length = 2,
                                                .oracle = {.kind = SequenceOracleKind::kTorchScript, .file = Judge("judge.pt")}});
  EXPECT_EQ(games.sequences->oracle, "torchscript(" + Judge("judge.pt") + ")");
}

// A module with the wrong signature or output shape, or a file that is no module, is refused naming the
// file and what was expected.
TEST(SequenceOracle, TorchScriptJudgeOfTheWrongKindIsRefused) {
  const SequenceSpace space(3, 4);
  const auto refusal = [&](const std::string& path) {
    try {
      MakeSequenceOracle({.kind = SequenceOracleKind::kTorchScript, .file = path}, space, 2);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  for (const char* name : {"one_argument.pt", "wrong_shape.pt"}) {
    const std::string message = refusal(Judge(name));
    EXPECT_THAT(message, ::testing::HasSubstr(Judge(name))) << name;
    EXPECT_THAT(message, ::testing::HasSubstr("returns B probabilities")) << name;
  }
  EXPECT_THAT(refusal(Judge("one_argument.pt")), ::testing::HasSubstr("forward takes 1 argument"));
  EXPECT_THAT(refusal(Judge("wrong_shape.pt")), ::testing::HasSubstr("of shape 2 x 2"));
  const std::string not_a_module = TemporaryPath("not_a_module.pt");
  WriteFileAtomically(not_a_module, "not a zip archive");
  EXPECT_THAT(refusal(not_a_module), ::testing::HasSubstr(not_a_module + ": not a TorchScript module"));
  std::filesystem::remove(not_a_module);
}

// Modules that load (the check at load passes) but answer wrongly on some pairs: NaN where the first text
// holds token 2 twice (refused by the call that returns it, naming the module), or 0.9 to every pair
// (refused when the matrix is checked, naming the module, the prompt and the pair); each names the rule.
TEST(SequenceOracle, TorchScriptJudgeThatAnswersWronglyIsRefusedWhereItDoes) {
  const auto refusal = [&](const char* name) {
    try {
      MakeSequenceGames({.vocabulary = 3, .max_length = 3, .prompt_length = 1,
                         .oracle = {.kind = SequenceOracleKind::kTorchScript, .file = Judge(name)}});
    } catch (const InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string nan = refusal("nan_judge.pt");
  EXPECT_THAT(nan, ::testing::HasSubstr(Judge("nan_judge.pt")));
  EXPECT_THAT(nan, ::testing::HasSubstr("forward returned a value outside [0, 1] (or not finite)"));
  const std::string overconfident = refusal("overconfident.pt");
  EXPECT_THAT(overconfident, ::testing::HasSubstr(Judge("overconfident.pt")));
  EXPECT_THAT(overconfident, ::testing::HasSubstr("= 1.8"));
  EXPECT_THAT(overconfident, ::testing::HasSubstr("|P(y > y') + P(y' > y) - 1| <= 1e-06"));
}

TEST(SequenceOptions, RejectsBadOptionsNamingTheRule) {
  const auto message = [](const SequenceGameOptions& options) {
    try {
      MakeSequenceGames(options);
    } catch (const InvalidArgument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(message({.max_length = 0}), ::testing::HasSubstr("length = 0"));
  EXPECT_THAT(message({.vocabulary = 30, .max_length = 4}), ::testing::HasSubstr("at most 65536"));
  EXPECT_THAT(message({.vocabulary = 2, .prompts = 5, .prompt_length = 2}), ::testing::HasSubstr("only 4 distinct prompts"));
  EXPECT_THAT(message({.oracle = {.transitivity = 1.5}}), ::testing::HasSubstr("transitivity"));
  EXPECT_THAT(message({.oracle = {.kind = SequenceOracleKind::kTable}}), ::testing::HasSubstr("needs --oracle-file"));
  EXPECT_THAT(message({.oracle = {.kind = SequenceOracleKind::kTorchScript, .file = "/nonexistent/judge.pt"}}),
              ::testing::HasSubstr("/nonexistent/judge.pt: cannot open"));
  // A transformer needs sequence games.
  TrainOptions options;
  options.policy.kind = PolicyKind::kTransformer;
  EXPECT_THROW(Train(GenerateTrainingGames({.kind = "planted", .n = 5, .seed = 1}, 1), options), InvalidArgument);
  options.policy.hidden_width = 10;
  options.policy.heads = 3;
  EXPECT_THAT(options.Validate(), ::testing::HasSubstr("multiple of the heads"));
}

}  // namespace
}  // namespace nlhf::neural
