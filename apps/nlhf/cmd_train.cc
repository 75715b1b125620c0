// nlhf train: a neural (or tabular) policy trained with one of the methods as a loss, exact or sampled
// feedback, certified every --log-every iterations by the exact duality gap of the network's policy.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/neural/methods.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::cli {

namespace {

std::string MethodNames() {
  std::string text;
  for (const neural::NeuralMethod& method : neural::NeuralMethods()) {
    text += fmt::format("\n  {:<11} {} (default eta {:g}{})", method.name, method.summary, method.default_step_size,
                        method.regularized ? fmt::format(", beta {:g}", method.default_beta) : "");
  }
  return text;
}

}  // namespace

void SetupTrain(CLI::App& command, TrainArgs& args) {
  command.footer(
      "With --optimizer sgd and --policy tabular, one step with learning rate lr on a method's loss is its "
      "tabular update with step size lr·eta (so lr = 1 traces the same gaps as 'nlhf solve --algo NAME "
      "--no-polish'). Derivations: docs/neural.md.");
  auto* game = command.add_option("--game", args.game,
                                  "Preference matrix file (as 'nlhf solve' reads), or a batch of contexts: .jsonl "
                                  "(one game per line, optional \"features\") or EGPO text (.egpo)");
  auto* generate = command.add_option("--generate", args.generate, "Train on a generated game family instead:\n" +
                                                                       DescribeGeneratorKinds())
                       ->check(CLI::IsMember(GeneratorKinds()));
  game->excludes(generate);
  command.add_option("--n", args.n, "Responses per generated game")->check(CLI::PositiveNumber)->capture_default_str();
  command.add_option("--contexts", args.contexts, "Generated contexts (games with seeds seed, seed+1, ...)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--policy", args.policy,
                     "tabular (free logits), mlp (the EGPO network per context: learned input, ReLU layers), "
                     "contextual (one network from a context's features to its logits)")
      ->check(CLI::IsMember({"tabular", "mlp", "contextual"}))
      ->capture_default_str();
  command.add_option("--depth", args.depth, "Linear layers of the mlp and contextual policies")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--width", args.width, "Hidden width of the mlp and contextual policies")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--algo", args.algorithm, "Method (its loss):" + MethodNames())->capture_default_str();
  command.add_option("--iters", args.iterations, "Optimizer steps")->check(CLI::NonNegativeNumber)->capture_default_str();
  command.add_option("--lr", args.learning_rate, "Learning rate (tabular + sgd: the step is lr·eta)")
      ->capture_default_str();
  command.add_option("--eta", args.step_size, "Step size η of the method's target (default: the method's)");
  command.add_option("--beta", args.beta, "Regularization β of the regularized methods (default: the method's)");
  command.add_option("--optimizer", args.optimizer, "sgd or adam")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  command.add_option("--feedback", args.feedback,
                     "exact (the whole P is known) or sampled (Bernoulli(P[y][y′]) answers to queries)")
      ->check(CLI::IsMember({"exact", "sampled"}))
      ->capture_default_str();
  command.add_option("--samples", args.samples, "Queries per context per payoff estimate, with --feedback sampled")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--device", args.device, "cpu, cuda or cuda:N (cuda needs a CUDA build of LibTorch)")
      ->capture_default_str();
  command.add_option("--threads", args.threads, "LibTorch intra-op threads (small networks run fastest on 1)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--backend", args.backend,
                     "autograd (LibTorch: every policy, optimizer, feedback, device), fused (the whole iteration "
                     "hand-derived on the CPU: tabular/mlp, sgd, exact feedback), auto (fused where it applies)")
      ->check(CLI::IsMember({"auto", "autograd", "fused"}))
      ->capture_default_str();
  command.add_option("--log-every", args.log_every, "Certify (exact gap) and trace every N iterations, and the last")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command.add_option("--trace", args.trace_path, "Write the trace as CSV");
  command.add_option("--checkpoint", args.checkpoint_directory,
                     "Directory for checkpoints (parameters, optimizer, iteration, previous payoffs, RNG, trace), "
                     "written atomically; always written at the end");
  command.add_option("--checkpoint-every", args.checkpoint_every, "Also checkpoint every N iterations")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command.add_option("--resume", args.resume_directory,
                     "Continue the run checkpointed in DIR (same settings; --iters is the new total)");
  AddCommonFlags(command, args.common, true);
}

int RunTrain(const TrainArgs& args) {
  if (args.game.empty() && args.generate.empty()) {
    throw InvalidArgument("give --game FILE or --generate KIND");
  }
  torch::set_num_threads(args.threads);
  const neural::TrainingGames games =
      args.game.empty()
          ? neural::GenerateTrainingGames({.kind = args.generate, .n = args.n, .seed = args.common.seed}, args.contexts)
          : neural::ReadTrainingGames(args.game, args.common.seed);

  neural::TrainOptions options;
  options.algorithm = args.algorithm;
  options.policy.kind = neural::ParsePolicyKind(args.policy);
  options.policy.depth = args.depth;
  options.policy.hidden_width = args.width;
  options.iterations = args.iterations;
  options.learning_rate = args.learning_rate;
  options.step_size = args.step_size;
  options.beta = args.beta;
  options.optimizer = neural::ParseOptimizerKind(args.optimizer);
  options.feedback = neural::ParseFeedbackKind(args.feedback);
  options.samples = args.samples;
  options.seed = args.common.seed;
  options.device = args.device;
  options.log_every = args.log_every;
  options.backend = neural::ParseBackend(args.backend);
  options.checkpoint_directory = args.checkpoint_directory;
  options.checkpoint_every = args.checkpoint_every;
  options.resume_directory = args.resume_directory;

  const bool progress = ProgressWanted() && !args.common.json;
  neural::TrainCallback callback;
  if (progress) {
    callback = [](const neural::TrainRecord& r, std::int64_t total) {
      constexpr int kWidth = 30;
      const int done = total > 0 ? static_cast<int>(kWidth * r.iteration / total) : kWidth;
      std::cerr << fmt::format("\r[{}{}] {}/{}  gap {:.3e}", std::string(done, '#'), std::string(kWidth - done, '.'),
                               r.iteration, total, r.mean_gap)
                << std::flush;
      return true;
    };
  }
  const neural::TrainResult result = neural::Train(games, options, callback);
  if (progress) std::cerr << "\r" << std::string(70, ' ') << "\r";
  if (!args.trace_path.empty()) WriteFileAtomically(args.trace_path, neural::FormatTrainTraceCsv(result.trace));

  if (args.common.json) {
    nlohmann::json out;
    out["algorithm"] = result.algorithm;
    out["network"] = result.network;
    out["backend"] = result.backend;
    out["game"] = games.description;
    out["feedback"] = args.feedback;
    out["optimizer"] = args.optimizer;
    out["learning_rate"] = args.learning_rate;
    out["termination"] = TerminationName(result.termination);
    out["message"] = result.message;
    out["iterations"] = result.iterations;
    out["resumed_from"] = result.resumed_from;
    out["seconds"] = result.seconds;
    out["microseconds_per_iteration"] = result.microseconds_per_iteration;
    out["parameters"] = result.parameters;
    out["queries"] = result.queries;
    out["mean_gap"] = result.mean_gap;
    out["max_gap"] = result.max_gap;
    if (!std::isnan(result.mean_regularized_gap)) out["mean_regularized_gap"] = result.mean_regularized_gap;
    nlohmann::json contexts = nlohmann::json::array();
    for (int c = 0; c < games.num_contexts(); ++c) {
      contexts.push_back({{"context", games.contexts[c]},
                          {"duality_gap", result.gaps(c)},
                          {"policy", ToJson(Eigen::VectorXd(result.policy.row(c).transpose()))}});
    }
    out["contexts"] = contexts;
    PrintJson(out);
  } else {
    std::cout << fmt::format("nlhf train: {} on {}\n", result.algorithm, games.description);
    std::cout << fmt::format("policy:     {}\n", result.network);
    std::cout << fmt::format("feedback:   {}{}, {} lr {:g}, {} backend\n", args.feedback,
                             args.feedback == "sampled" ? fmt::format(" ({} queries per context per estimate, {} in all)",
                                                                      args.samples, result.queries)
                                                        : "",
                             args.optimizer, args.learning_rate, result.backend);
    std::cout << fmt::format("iterations: {}{} in {:.3g} s ({:.1f} µs per iteration)\n", result.iterations,
                             result.resumed_from > 0 ? fmt::format(" (resumed from {})", result.resumed_from) : "",
                             result.seconds, result.microseconds_per_iteration);
    std::cout << fmt::format("duality gap of the network's policy (exact, original game): {:.3e} mean, {:.3e} max "
                             "over {} context{}\n",
                             result.mean_gap, result.max_gap, games.num_contexts(), games.num_contexts() == 1 ? "" : "s");
    if (!std::isnan(result.mean_regularized_gap)) {
      std::cout << fmt::format("regularized gap (beta game): {:.3e} mean\n", result.mean_regularized_gap);
    }
    if (result.termination == Termination::kNumericalFailure) std::cout << "numerical failure: " << result.message << "\n";
  }
  return result.termination == Termination::kNumericalFailure ? 1 : 0;
}

}  // namespace nlhf::cli
