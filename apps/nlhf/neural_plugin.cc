// The part of `nlhf` that needs LibTorch, built as a module (libnlhf_neural_cli.so beside the binary)
// that the binary loads only for the commands that use it (neural_plugin.h says why).
#include <fmt/format.h>
#include <torch/version.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>

#include "commands.h"
#include "neural_plugin.h"
#include "nlhf/error.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/io/policy_file.h"
#include "nlhf/neural/gap_estimate.h"
#include "nlhf/neural/sampled_sequence_trainer.h"
#include "nlhf/neural/sequence_games.h"
#include "nlhf/neural/train_json.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::cli {
namespace {

// The trace as gap curves for PlotGapCurves: the mean over contexts with a band up to the max, and the
// regularized gap for regularized methods.
// --reference: normal:SEED (RandomLogPolicy, the draw experiment files make for {normal_logits: SEED}) or
// a JSON log-policy file with one policy over the n responses.
Eigen::VectorXd ReadReference(const std::string& value, std::int64_t n) {
  constexpr std::string_view kNormal = "normal:";
  if (value.rfind(kNormal, 0) == 0) {
    const std::string seed = value.substr(kNormal.size());
    std::uint64_t parsed = 0;
    const auto [end, error] = std::from_chars(seed.data(), seed.data() + seed.size(), parsed);
    if (seed.empty() || error != std::errc() || end != seed.data() + seed.size()) {
      throw InvalidArgument(fmt::format("--reference {}: expected normal:SEED with SEED a non-negative integer", value));
    }
    return RandomLogPolicy(static_cast<int>(n), parsed);
  }
  const PlayerVectors policy = ReadLogPolicyFile(value);
  if (policy.size() != 1) {
    throw InvalidArgument(fmt::format("--reference {}: {} policies; training takes one over the responses", value,
                                      policy.size()));
  }
  return policy[0];
}

// --seeds N: the same run with training seeds seed, ..., seed + N − 1 on the same games; each run's result
// and the median of the final gaps (a figure and checkpoints are per run: --plot, --checkpoint and --resume
// take one seed).
int TrainSeeds(const TrainArgs& args, const neural::TrainingGames& games, neural::TrainOptions options) {
  if (!args.plot_path.empty() || !options.checkpoint_directory.empty() || !options.resume_directory.empty()) {
    throw InvalidArgument(fmt::format("--seeds {}: --plot, --checkpoint and --resume take one seed", args.seeds));
  }
  std::vector<double> mean_gaps;
  nlohmann::json runs = nlohmann::json::array();
  std::string trace;
  bool failed = false;
  for (int k = 0; k < args.seeds; ++k) {
    options.seed = args.common.seed + static_cast<std::uint64_t>(k);
    const neural::TrainResult result = neural::Train(games, options);
    failed = failed || result.termination == Termination::kNumericalFailure;
    mean_gaps.push_back(result.mean_gap);
    runs.push_back(neural::TrainResultJson(result, games, options));
    runs.back()["seed"] = options.seed;
    const std::string csv = neural::FormatTrainTraceCsv(result.trace);
    std::istringstream lines(csv);
    std::string line;
    for (bool header = true; std::getline(lines, line); header = false) {
      if (header && k > 0) continue;
      trace += (header ? "seed," : fmt::format("{},", options.seed)) + line + "\n";
    }
    if (!args.common.json) {
      std::cout << fmt::format("seed {}: {} in {:.3g} s, gap {:.3e} mean, {:.3e} max over contexts{}\n", options.seed,
                               result.algorithm, result.seconds, result.mean_gap, result.max_gap,
                               result.termination == Termination::kNumericalFailure ? " (numerical failure)" : "");
    }
  }
  if (!args.trace_path.empty()) WriteFileAtomically(args.trace_path, trace);
  const double median = Median(mean_gaps);
  if (args.common.json) {
    PrintJson({{"seeds", runs}, {"median_mean_gap", median}, {"game", games.description}});
  } else {
    std::cout << fmt::format("median over {} seeds of the mean gap: {:.3e} (min {:.3e}, max {:.3e})\n", args.seeds,
                             median, *std::min_element(mean_gaps.begin(), mean_gaps.end()),
                             *std::max_element(mean_gaps.begin(), mean_gaps.end()));
  }
  return failed ? 1 : 0;
}

void PlotTrace(const neural::TrainResult& result, const std::string& description, int contexts, const TrainArgs& args,
               double learning_rate) {
  PlotCurve gap{.label = contexts > 1 ? "duality gap (mean over contexts; band up to the max)" : "duality gap",
                .comment = "mean, mean, max over contexts"};
  PlotCurve regularized{.label = "regularized gap (mean)", .comment = "mean over contexts"};
  for (const neural::TrainRecord& r : result.trace) {
    gap.iterations.push_back(r.iteration);
    gap.center.push_back(r.mean_gap);
    gap.low.push_back(r.mean_gap);
    gap.high.push_back(r.max_gap);
    if (!std::isnan(r.mean_regularized_gap)) {
      regularized.iterations.push_back(r.iteration);
      regularized.center.push_back(r.mean_regularized_gap);
      regularized.low.push_back(r.mean_regularized_gap);
      regularized.high.push_back(r.mean_regularized_gap);
    }
  }
  std::vector<PlotCurve> curves = {gap};
  if (!regularized.iterations.empty()) curves.push_back(regularized);
  PlotGapCurves(curves,
                {.title = fmt::format("nlhf train: {} on {}, {} policy, {} feedback, {} lr {:g}", result.algorithm,
                                      description, args.policy, args.feedback, args.optimizer, learning_rate),
                 .y_label = result.gap_estimated ? "estimated duality gap of the network's policy (not a certificate)"
                                                 : "exact duality gap of the network's policy"},
                args.plot_path);
}

// The sequence settings of `nlhf train --vocab` and of an experiment file's sequence: game; `seed` seeds
// the prompts and the gpm oracle.
neural::SequenceGameOptions SequenceOptions(const ExperimentSequence& sequence, std::uint64_t seed) {
  return {.vocabulary = sequence.vocab,
          .max_length = sequence.length,
          .prompts = sequence.prompts,
          .prompt_length = sequence.prompt_length,
          .seed = seed,
          .oracle = {.kind = neural::ParseSequenceOracleKind(sequence.oracle),
                     .file = sequence.oracle_file,
                     .transitivity = sequence.transitivity,
                     .seed = seed}};
}

neural::TrainingGames SequenceGames(const ExperimentSequence& sequence, std::uint64_t seed) {
  return neural::MakeSequenceGames(SequenceOptions(sequence, seed));
}

// --vocab V --length T --prompts C --oracle ...
neural::SequenceGameOptions SequenceOptions(const TrainArgs& args) {
  if (args.oracle == "gpm" && !args.oracle_file.empty()) {
    throw InvalidArgument(fmt::format("--oracle-file {}: the gpm oracle reads no file (--oracle table or torchscript "
                                      "do)", args.oracle_file));
  }
  return SequenceOptions({.vocab = *args.vocab,
                          .length = args.length,
                          .prompts = args.prompts,
                          .prompt_length = args.prompt_length,
                          .oracle = args.oracle,
                          .oracle_file = args.oracle_file,
                          .transitivity = args.transitivity},
                         args.common.seed);
}

// The most probable responses of the first prompts, decoded.
void PrintTopResponses(const neural::TrainResult& result, const neural::TrainingGames& games) {
  constexpr int kPrompts = 3, kResponses = 5;
  const auto top = neural::TopResponses(*games.sequences, result.policy, kResponses);
  for (int c = 0; c < std::min(kPrompts, games.num_contexts()); ++c) {
    std::string line;
    for (const neural::RankedResponse& r : top[static_cast<size_t>(c)]) line += fmt::format("  {} {:.3f}", r.name, r.probability);
    std::cout << fmt::format("prompt {}:{}\n", games.contexts[static_cast<size_t>(c)], line);
  }
  if (games.num_contexts() > kPrompts) std::cout << fmt::format("({} more prompts in --json)\n", games.num_contexts() - kPrompts);
}

// --estimate-gap: each prompt's estimated gap of the final policy (gap_estimate.h), with the exact gap
// and the exact payoff of the response the search found, which these enumerated games allow: how far the
// estimate can be trusted where it cannot be checked. Seeded by --seed.
nlohmann::json EstimatedGaps(const neural::TrainResult& result, const neural::TrainingGames& games, std::uint64_t seed) {
  const neural::SequenceSetting& setting = *games.sequences;
  const neural::GapSearchOptions search;
  at::Generator generator = at::detail::createCPUGenerator(seed);
  nlohmann::json prompts = nlohmann::json::array();
  for (int c = 0; c < games.num_contexts(); ++c) {
    const Eigen::VectorXd pi = result.policy.row(c).transpose();
    const torch::Tensor probabilities = torch::from_blob(const_cast<double*>(pi.data()), {pi.size()}, torch::kFloat64).clone();
    const neural::GapEstimate e =
        neural::EstimateGap(setting.space, neural::EnumeratedSampler(setting.responses, probabilities),
                            neural::MatrixJudge(setting.space, games.payoff[c]), search, generator);
    const std::int64_t found = setting.space.Index(e.best_response).item<std::int64_t>();
    const torch::Tensor payoffs = torch::matmul(games.payoff[c], probabilities);
    prompts.push_back({{"prompt", games.contexts[static_cast<size_t>(c)]},
                       {"gap", e.gap},
                       {"low", e.low},
                       {"high", e.high},
                       {"best_response", setting.names[static_cast<size_t>(found)]},
                       {"best_response_exact", 2 * payoffs[found].item<double>()},
                       {"exact_gap", result.gaps[c]},
                       {"scored", e.scored},
                       {"judged", e.judged}});
  }
  return {{"search", search.Describe()}, {"confidence", 0.95}, {"prompts", prompts}};
}

// Every training option of the command line but the reference (which is read against the responses).
neural::TrainOptions TrainOptionsFrom(const TrainArgs& args) {
  neural::TrainOptions options;
  options.algorithm = args.algorithm;
  options.policy.kind = neural::ParsePolicyKind(args.policy);
  options.policy.depth = args.depth;
  options.policy.hidden_width = args.width.value_or(options.policy.kind == neural::PolicyKind::kTransformer ? 16 : 10);
  options.policy.layers = args.layers;
  options.policy.heads = args.heads;
  options.iterations = args.iterations;
  options.step_size = args.step_size;
  options.beta = args.beta;
  options.optimizer = neural::ParseOptimizerKind(args.optimizer);
  options.fit_steps = args.fit_steps;
  options.feedback = neural::ParseFeedbackKind(args.feedback);
  options.learning_rate = args.learning_rate.value_or(
      neural::DefaultLearningRate(options.policy.kind, options.feedback == neural::FeedbackKind::kSampled));
  options.samples = args.samples.value_or(100);
  options.seed = args.common.seed;
  options.device = args.device;
  options.log_every = args.log_every;
  options.backend = neural::ParseBackend(args.backend);
  options.checkpoint_directory = args.checkpoint_directory;
  options.checkpoint_every = args.checkpoint_every;
  options.resume_directory = args.resume_directory;
  options.data_parallel = {.world_size = args.world_size.value_or(1),
                           .rank = args.rank.value_or(0),
                           .master = args.master,
                           .timeout_seconds = args.rendezvous_timeout,
                           .agent_store = args.agent_store};
  return options;
}

// A progress bar on stderr, where one is wanted.
neural::TrainCallback ProgressBar(bool wanted) {
  if (!wanted) return {};
  return [](const neural::TrainRecord& r, std::int64_t total) {
    constexpr int kWidth = 30;
    const int done = total > 0 ? static_cast<int>(kWidth * r.iteration / total) : kWidth;
    std::cerr << fmt::format("\r[{}{}] {}/{}  gap {:.3e}", std::string(done, '#'), std::string(kWidth - done, '.'),
                             r.iteration, total, r.mean_gap)
              << std::flush;
    return true;
  };
}

// --vocab V --length T past the enumeration limit with --feedback sampled --estimate-gap: training on drawn
// responses alone (sampled_sequence_trainer.h), every gap an estimate and labelled so.
int RunTrainOnSamples(const TrainArgs& args) {
  if (args.seeds > 1) throw InvalidArgument("--estimate-gap estimates one run's gap: give it without --seeds");
  if (!args.reference.empty()) {
    throw InvalidArgument(fmt::format("--reference {}: a reference lists every response; on a space too large to "
                                      "enumerate the reference is uniform",
                                      args.reference));
  }
  const std::shared_ptr<const neural::SequenceSetting> setting = neural::MakeSequenceSetting(SequenceOptions(args));
  const neural::TrainOptions options = TrainOptionsFrom(args);
  const bool progress = ProgressWanted() && !args.common.json;
  const neural::SampledTrainResult sampled = neural::TrainOnSamples(setting, options, {}, ProgressBar(progress));
  const neural::TrainResult& result = sampled.train;
  if (progress) std::cerr << "\r" << std::string(70, ' ') << "\r";
  const nlohmann::json json = neural::TrainResultJson(sampled, *setting, options);
  if (!args.trace_path.empty()) WriteFileAtomically(args.trace_path, neural::FormatTrainTraceCsv(result.trace));
  if (!args.plot_path.empty()) {
    PlotTrace(result, json["game"].get<std::string>(), static_cast<int>(setting->prompts.size(0)), args,
              options.learning_rate);
  }
  if (args.common.json) {
    PrintJson(json);
  } else {
    std::cout << fmt::format("nlhf train: {} on {}\n", result.algorithm, json["game"].get<std::string>());
    std::cout << fmt::format("policy:     {}\n", result.network);
    std::cout << fmt::format("feedback:   sampled on-policy ({} responses per prompt per step, {} queries in all), {} "
                             "lr {:g}\n",
                             options.samples, result.queries, args.optimizer, options.learning_rate);
    std::cout << fmt::format("iterations: {}{} in {:.3g} s ({:.1f} µs per iteration)\n", result.iterations,
                             result.resumed_from > 0 ? fmt::format(" (resumed from {})", result.resumed_from) : "",
                             result.seconds, result.microseconds_per_iteration);
    std::cout << fmt::format("estimated duality gap (an estimate, not a certificate: the space is too large to "
                             "enumerate; {}): {:.3e} mean, {:.3e} max over {} prompt{}\n",
                             sampled.search, result.mean_gap, result.max_gap, setting->prompts.size(0),
                             setting->prompts.size(0) == 1 ? "" : "s");
    std::cout << fmt::format("smallest log-probability of a drawn response: {:.4g}\n",
                             result.trace.back().min_log_probability);
    constexpr size_t kPrompts = 3, kResponses = 5;
    const nlohmann::json& prompts = json["sequences"]["prompts"];
    for (size_t c = 0; c < std::min(kPrompts, prompts.size()); ++c) {
      const nlohmann::json& p = prompts[c];
      std::string line;
      for (size_t i = 0; i < std::min(kResponses, p["top_responses"].size()); ++i) {
        line += fmt::format("  {} {:.3f}", p["top_responses"][i]["response"].get<std::string>(),
                            p["top_responses"][i]["probability"].get<double>());
      }
      std::cout << fmt::format("prompt {}: gap {:.3e} [{:.3e}, {:.3e}] 95%;{}\n", p["prompt"].get<std::string>(),
                               p["estimated_gap"].get<double>(), p["low"].get<double>(), p["high"].get<double>(), line);
    }
    if (prompts.size() > kPrompts) std::cout << fmt::format("({} more prompts in --json)\n", prompts.size() - kPrompts);
    if (result.termination == Termination::kNumericalFailure) std::cout << "numerical failure: " << result.message << "\n";
  }
  return result.termination == Termination::kNumericalFailure ? 1 : 0;
}

int RunTrainWithTorch(const TrainArgs& args) {
  if (args.game.empty() && args.generate.empty() && !args.vocab) {
    throw InvalidArgument("give --game FILE, --generate KIND or --vocab V (sequence games)");
  }
  if (args.policy == "transformer" && !args.vocab) {
    throw InvalidArgument("--policy transformer writes token sequences: give --vocab V and --length T (sequence games)");
  }
  torch::set_num_threads(args.threads);
  // Past the enumeration limit the exact certificate cannot be had: with --estimate-gap (and sampled
  // feedback, which neural::TrainOnSamples checks) the run trains on samples; without it MakeSequenceGames
  // refuses, naming the limit and this way out.
  if (args.vocab && args.estimate_gap && !neural::SequenceSpace(*args.vocab, args.length).enumerable()) {
    return RunTrainOnSamples(args);
  }
  const neural::TrainingGames games = args.vocab ? neural::MakeSequenceGames(SequenceOptions(args))
                                      : args.game.empty()
                                          ? neural::GenerateTrainingGames({.kind = args.generate, .n = args.n, .seed = args.common.seed}, args.contexts)
                                          : neural::ReadTrainingGames(args.game, args.common.seed);

  neural::TrainOptions options = TrainOptionsFrom(args);
  if (!args.reference.empty()) options.reference_log_policy = ReadReference(args.reference, games.payoff.size(1));

  // A data-parallel run: every rank holds the same result; rank 0 alone prints and writes it.
  const bool writes = options.data_parallel.rank == 0;
  const bool progress = ProgressWanted() && !args.common.json && writes;
  const neural::TrainCallback callback = ProgressBar(progress);
  if (args.seeds > 1) {
    if (args.estimate_gap) throw InvalidArgument("--estimate-gap estimates one run's gap: give it without --seeds");
    return TrainSeeds(args, games, options);
  }
  const neural::TrainResult result = neural::Train(games, options, callback);
  if (progress) std::cerr << "\r" << std::string(70, ' ') << "\r";
  if (!writes) return result.termination == Termination::kNumericalFailure ? 1 : 0;
  if (!args.trace_path.empty()) WriteFileAtomically(args.trace_path, neural::FormatTrainTraceCsv(result.trace));
  if (!args.plot_path.empty()) PlotTrace(result, games.description, games.num_contexts(), args, options.learning_rate);

  const nlohmann::json estimated = args.estimate_gap ? EstimatedGaps(result, games, args.common.seed) : nlohmann::json();
  if (args.common.json) {
    nlohmann::json json = neural::TrainResultJson(result, games, options);
    if (args.estimate_gap) json["estimated_gap"] = estimated;
    PrintJson(json);
  } else {
    std::cout << fmt::format("nlhf train: {} on {}\n", result.algorithm, games.description);
    std::cout << fmt::format("policy:     {}\n", result.network);
    if (games.sequences) {
      std::cout << fmt::format("oracle:     {} ({} matrix entries asked)\n", games.sequences->oracle,
                               games.sequences->matrix_queries);
    }
    std::cout << fmt::format("feedback:   {}{}, {} lr {:g}, {} backend\n", args.feedback,
                             args.feedback == "sampled" ? fmt::format(" ({} queries per context per estimate, {} in all)",
                                                                      options.samples, result.queries)
                                                        : "",
                             args.optimizer, options.learning_rate, result.backend);
    if (const int ranks = options.data_parallel.world_size; ranks > 1) {
      std::cout << fmt::format("ranks:      {} (data-parallel over the contexts, gradients summed by c10d/Gloo)\n", ranks);
    }
    std::cout << fmt::format("iterations: {}{} in {:.3g} s ({:.1f} µs per iteration)\n", result.iterations,
                             result.resumed_from > 0 ? fmt::format(" (resumed from {})", result.resumed_from) : "",
                             result.seconds, result.microseconds_per_iteration);
    std::cout << fmt::format("duality gap of the network's policy (exact, original game): {:.3e} mean, {:.3e} max "
                             "over {} context{}\n",
                             result.mean_gap, result.max_gap, games.num_contexts(), games.num_contexts() == 1 ? "" : "s");
    if (!std::isnan(result.mean_regularized_gap)) {
      std::cout << fmt::format("regularized gap (beta game): {:.3e} mean\n", result.mean_regularized_gap);
    }
    if (games.sequences) {
      std::cout << fmt::format("smallest log-probability of a response: {:.4g}\n", result.trace.back().min_log_probability);
      PrintTopResponses(result, games);
    }
    if (args.estimate_gap) {
      std::cout << fmt::format("estimated gap (an estimate, not a certificate: {}):\n", estimated["search"].get<std::string>());
      for (const nlohmann::json& p : estimated["prompts"]) {
        std::cout << fmt::format("prompt {}:  {:.3e} [{:.3e}, {:.3e}] 95%, found {} (exact {:.3e}); exact gap {:.3e}\n",
                                 p["prompt"].get<std::string>(), p["gap"].get<double>(), p["low"].get<double>(),
                                 p["high"].get<double>(), p["best_response"].get<std::string>(),
                                 p["best_response_exact"].get<double>(), p["exact_gap"].get<double>());
      }
    }
    if (result.termination == Termination::kNumericalFailure) std::cout << "numerical failure: " << result.message << "\n";
  }
  return result.termination == Termination::kNumericalFailure ? 1 : 0;
}


// One run of an experiment file with a neural policy: the games from the file's game (generated with
// settings.contexts contexts, or read), the method's parameters over the file's train: settings, a
// trace every request.log_every iterations, stopped once the mean gap reaches request.stop_at.
void ExperimentRun(const NeuralRunRequest& request, NeuralRunOutcome* outcome) {
  // Runs go in parallel over --jobs threads, one LibTorch thread each (small networks: 1 is fastest).
  static std::once_flag one_thread;
  std::call_once(one_thread, [] { torch::set_num_threads(1); });
  const ExperimentGame& game = *request.game;
  const NeuralSettings& settings = request.settings;
  const neural::TrainingGames games =
      game.is_sequence() ? SequenceGames(game.sequence, game.seed)
      : game.file.empty() ? neural::GenerateTrainingGames({.kind = game.generator, .n = game.n, .seed = game.seed, .delta = game.delta},
                                                          settings.contexts)
                          : neural::ReadTrainingGames(game.file, game.seed);
  const ParameterValues& parameters = request.method->parameters;
  const auto parameter = [&](const char* name) -> std::optional<double> {
    const auto it = parameters.find(name);
    return it == parameters.end() ? std::nullopt : std::optional<double>(it->second);
  };
  neural::TrainOptions options;
  options.algorithm = request.method->algorithm;
  options.policy.kind = neural::ParsePolicyKind(settings.policy);
  options.policy.depth = settings.depth;
  options.policy.hidden_width = settings.width;
  options.policy.layers = settings.layers;
  options.policy.heads = settings.heads;
  options.fit_steps = settings.fit_steps;
  options.iterations = request.iterations;
  options.learning_rate = parameter("lr").value_or(
      settings.learning_rate > 0 ? settings.learning_rate
                                 : neural::DefaultLearningRate(options.policy.kind, settings.feedback == "sampled"));
  options.step_size = parameter("eta");
  options.beta = parameter("beta");
  options.samples = static_cast<int>(parameter("samples").value_or(settings.samples));
  options.feedback = neural::ParseFeedbackKind(settings.feedback);
  options.optimizer = neural::ParseOptimizerKind(settings.optimizer);
  options.seed = request.seed;
  options.log_every = request.log_every;
  if (request.reference_normal_seed) {
    options.reference_log_policy = RandomLogPolicy(games.num_responses(), *request.reference_normal_seed);
  } else if (!request.reference.empty()) {
    if (static_cast<int>(request.reference.size()) != games.num_responses()) {
      throw InvalidArgument(fmt::format("the reference policy has {} entries; the game has {} responses",
                                        request.reference.size(), games.num_responses()));
    }
    options.reference_log_policy = Eigen::Map<const Eigen::VectorXd>(request.reference.data(),
                                                                     static_cast<Eigen::Index>(request.reference.size()));
  }
  if (const std::string invalid = options.Validate(); !invalid.empty()) throw InvalidArgument(invalid);
  const double stop_at = request.stop_at;
  const neural::TrainResult result = neural::Train(games, options, [stop_at](const neural::TrainRecord& r, std::int64_t) {
    return !(stop_at > 0 && r.mean_gap <= stop_at);
  });
  for (const neural::TrainRecord& r : result.trace) outcome->trace.emplace_back(r.iteration, r.mean_gap);
  outcome->trace_csv = neural::FormatTrainTraceCsv(result.trace);
  outcome->iterations = result.iterations;
  outcome->final_gap = result.mean_gap;
  outcome->seconds = result.seconds;
  outcome->termination = TerminationName(result.termination);
  outcome->spec = result.algorithm;
}

std::string TorchVersion() {
  return fmt::format("LibTorch {}.{}.{}", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR, TORCH_VERSION_PATCH);
}

}  // namespace
}  // namespace nlhf::cli

// The one symbol the binary looks up.
extern "C" const nlhf::cli::NeuralPluginFunctions* NlhfNeuralPlugin() {
  static const nlhf::cli::NeuralPluginFunctions functions = {
      nlhf::cli::kNeuralPluginVersion, &nlhf::cli::RunTrainWithTorch,
      &nlhf::cli::TorchVersion, &nlhf::cli::ExperimentRun};
  return &functions;
}
