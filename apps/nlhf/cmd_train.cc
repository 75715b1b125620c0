// nlhf train: a neural (or tabular) policy trained with one of the methods as a loss, exact or sampled
// feedback, certified every --log-every iterations by the exact duality gap of the network's policy. The
// flags live here; the run, which needs LibTorch, in the neural plugin (neural_plugin.h).
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

#include "commands.h"
#include "distributed/mpi_world.h"
#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/neural/methods.h"
#include "neural_plugin.h"

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
                                  "(one game per line, optional \"features\"), .npy of shape (contexts, n, n) or "
                                  "EGPO text (.egpo)");
  auto* generate = command.add_option("--generate", args.generate, "Train on a generated game family instead:\n" +
                                                                       DescribeGeneratorKinds())
                       ->check(CLI::IsMember(GeneratorKinds()));
  game->excludes(generate);
  CLI::Option* vocab = AddPositive(command, "--vocab", args.vocab,
                                   "Train on sequence games instead: responses are strings of at most --length "
                                   "tokens over this many (plus an end token), preferences come from --oracle, "
                                   "one game per prompt over every response (at most 65,536 of them: the exact "
                                   "certificate enumerates them). See docs/neural.md");
  vocab->excludes(game)->excludes(generate);
  AddPositive(command, "--length", args.length, "Sequence games: most tokens in a response (T)")->needs(vocab);
  AddPositive(command, "--prompts", args.prompts, "Sequence games: prompts (contexts), distinct seeded draws")->needs(vocab);
  AddNonNegative(command, "--prompt-length", args.prompt_length, "Sequence games: tokens per prompt")->needs(vocab);
  command.add_option("--oracle", args.oracle,
                     "Sequence games: the judge. gpm (a seeded general preference model, cyclic for "
                     "--transitivity < 1), table (a preference matrix over every response, named by its token "
                     "string, in --oracle-file), torchscript (your own model saved with torch.jit.save in "
                     "--oracle-file: forward(first, second) on two B x L int64 token batches returns B "
                     "probabilities)")
      ->check(CLI::IsMember({"gpm", "table", "torchscript"}))
      ->needs(vocab)
      ->capture_default_str();
  command.add_option("--oracle-file", args.oracle_file, "The table or TorchScript module of --oracle")->needs(vocab);
  command.add_option("--transitivity", args.transitivity,
                     "gpm oracle: 0 purely cyclic (φᵀRφ′, R skew), 1 Bradley–Terry (a reward difference)")
      ->check(CLI::Range(0.0, 1.0))
      ->needs(vocab)
      ->capture_default_str();
  command.add_flag("--estimate-gap", args.estimate_gap,
                   "Sequence games: also estimate the final policy's gap as a space too large to enumerate would be "
                   "(a best response searched by sampling and one-token edits, scored on fresh draws, with a 95% "
                   "interval; docs/neural.md), printed beside the exact gap it can be checked against. Past 65536 "
                   "responses, with --feedback sampled and --policy transformer: train on drawn responses alone, every "
                   "gap estimated (never a certificate)")
      ->needs(vocab);
  AddPositive(command, "--n", args.n, "Responses per generated game");
  AddPositive(command, "--contexts", args.contexts, "Generated contexts (games with seeds seed, seed+1, ...)");
  command.add_option("--policy", args.policy,
                     "tabular (free logits), mlp (the EGPO network per context: learned input, ReLU layers), "
                     "contextual (one network from a context's features to its logits), transformer (sequence "
                     "games: a causal decoder writing the response token by token after the prompt)")
      ->check(CLI::IsMember({"tabular", "mlp", "contextual", "transformer"}))
      ->capture_default_str();
  AddPositive(command, "--depth", args.depth, "Linear layers of the mlp and contextual policies");
  AddPositive(command, "--width", args.width,
              "Hidden width of the mlp and contextual policies (default 10), numbers per token of the "
              "transformer (default 16)");
  AddPositive(command, "--layers", args.layers, "Transformer blocks");
  AddPositive(command, "--heads", args.heads, "Attention heads per transformer block (they divide --width)");
  command.add_option("--algo", args.algorithm, "Method (its loss):" + MethodNames())->capture_default_str();
  AddNonNegative(command, "--iters", args.iterations, "Optimizer steps");
  command.add_option("--lr", args.learning_rate,
                     "Learning rate (tabular + sgd: the step is lr·eta); default 1, or 0.01 for contextual or --feedback sampled");
  command.add_option("--eta", args.step_size, "Step size η of the method's target (default: the method's)");
  command.add_option("--beta", args.beta, "Regularization β of the regularized methods (default: the method's)");
  command.add_option("--reference", args.reference,
                     "Reference policy π_ref of the regularized methods, shared by every context: a JSON "
                     "log-probability file (as 'nlhf solve --reference' reads), or normal:SEED for logits drawn "
                     "from N(0, 1) with that seed (the EGPO simulation's; an experiment's {normal_logits: SEED}). "
                     "Default uniform");
  command.add_option("--optimizer", args.optimizer, "sgd or adam")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  AddPositive(command, "--fit-steps", args.fit_steps,
              "Optimizer steps per iteration toward the same target (autograd path): more fit the method's "
              "update more closely where one step does not reach it (the transformer)");
  command.add_option("--feedback", args.feedback,
                     "exact (the whole P is known) or sampled (Bernoulli(P[y][y′]) answers to queries)")
      ->check(CLI::IsMember({"exact", "sampled"}))
      ->capture_default_str();
  RefuseOutOfRange<std::optional<int>>(command.add_option(
      "--samples", args.samples,
      "Queries per context per payoff estimate, with --feedback sampled (default 100); on sequence games the "
      "responses drawn from the policy per prompt and iteration, each pair compared once (at least 2)"), 1)
      ->check(Positive());
  command.add_option("--device", args.device, "cpu, cuda or cuda:N (cuda needs a CUDA build of LibTorch)")
      ->capture_default_str();
  AddPositive(command, "--seeds", args.seeds,
              "Train with seeds seed, seed+1, ... (network initialisation and sampled comparisons) on the same "
              "games, and report each run and the median; --trace gains a seed column");
  AddPositive(command, "--threads", args.threads, "LibTorch intra-op threads (small networks run fastest on 1)");
  command.add_option("--backend", args.backend,
                     "autograd (LibTorch: every policy, optimizer, feedback, device), fused (the whole iteration "
                     "hand-derived on the CPU: tabular/mlp policies, sgd), auto (fused where it applies)")
      ->check(CLI::IsMember({"auto", "autograd", "fused"}))
      ->capture_default_str();
  AddPositive(command, "--log-every", args.log_every, "Certify (exact gap) and trace every N iterations, and the last");
  command.add_option("--trace", args.trace_path, "Write the trace as CSV");
  command.add_option("--plot", args.plot_path,
                     "Draw the exact duality gap against the iteration into this PNG (gnuplot; mean over contexts, "
                     "band up to the max; the regularized gap too for regularized methods)");
  CLI::Option* checkpoint = command.add_option("--checkpoint", args.checkpoint_directory,
                     "Directory for checkpoints (parameters, optimizer, iteration, previous payoffs, RNG, trace), "
                     "written atomically; always written at the end");
  AddNonNegative(command, "--checkpoint-every", args.checkpoint_every, "Also checkpoint every N iterations")
      ->needs(checkpoint)
      ->capture_default_str();
  command.add_option("--resume", args.resume_directory,
                     "Continue the run checkpointed in DIR (same settings; --iters is the new total; any "
                     "--world-size)");
  AddPositive(command, "--world-size", args.world_size,
              "Data-parallel training over the contexts: this many processes, each started with the same flags "
              "and its own --rank, computing its share's gradients, summed over LibTorch's c10d (Gloo) before every "
              "step; rank 0 prints and writes every output (exact feedback, CPU; default $WORLD_SIZE or 1; "
              "docs/scale-out.md)");
  AddNonNegative(command, "--rank", args.rank, "This process's rank, 0 to --world-size - 1 (default $RANK or 0)");
  command.add_option("--master", args.master,
                     "HOST:PORT where rank 0 serves the rendezvous (default $MASTER_ADDR:$MASTER_PORT, or "
                     "127.0.0.1:29500)");
  command.add_option("--rendezvous-timeout", args.rendezvous_timeout,
                     "Seconds to wait for every rank at the rendezvous and for each exchange")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  AddCommonFlags(command, args.common, true);
}

namespace {

// An integer from torchrun's environment variable `name`, if set.
std::optional<int> IntegerFromEnvironment(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || errno != 0 || value < 0 || value > 1'000'000) {
    throw InvalidArgument(fmt::format("environment variable {}='{}': expected a whole number from 0 to 1000000", name, text));
  }
  return static_cast<int>(value);
}

// The data-parallel settings: the flags, else torchrun's environment (WORLD_SIZE, RANK, MASTER_ADDR,
// MASTER_PORT), else one process.
TrainArgs WithDataParallelEnvironment(TrainArgs args) {
  if (!args.world_size) args.world_size = IntegerFromEnvironment("WORLD_SIZE");
  if (!args.rank) args.rank = IntegerFromEnvironment("RANK");
  // Started by mpirun (or srun): its ranks are the data-parallel ranks, meeting over c10d at --master.
  if (!args.world_size && distributed::LaunchedWorldSize() > 1) {
    args.world_size = distributed::LaunchedWorldSize();
    if (!args.rank) args.rank = distributed::LaunchedRank();
  }
  if (args.master.empty()) {
    const char* host = std::getenv("MASTER_ADDR");
    const char* port = std::getenv("MASTER_PORT");
    args.master = fmt::format("{}:{}", host && *host ? host : "127.0.0.1", port && *port ? port : "29500");
  }
  if (const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE")) args.agent_store = std::string(agent) == "True";
  const int world_size = args.world_size.value_or(1);
  if (world_size < 1) throw InvalidArgument(fmt::format("--world-size {}: at least 1", world_size));
  if (args.rank.value_or(0) >= world_size) {
    throw InvalidArgument(fmt::format("--rank {}: ranks run from 0 to --world-size - 1 = {}", *args.rank, world_size - 1));
  }
  if (world_size > 1 && args.seeds > 1) {
    throw InvalidArgument(fmt::format("--seeds {}: a data-parallel run (--world-size {}) trains one seed", args.seeds,
                                      world_size));
  }
  return args;
}

}  // namespace

int RunTrain(const TrainArgs& given) {
  const TrainArgs args = WithDataParallelEnvironment(given);
  // Every output is checked before the run: a run of minutes must not fail at its last write.
  if (!args.trace_path.empty()) CheckOutputFile("--trace", args.trace_path);
  if (!args.plot_path.empty()) {
    CheckOutputFile("--plot", args.plot_path);
    CheckFigurePath(args.plot_path);
  }
  if (!args.checkpoint_directory.empty()) CheckOutputFolder("--checkpoint", args.checkpoint_directory);
  if (args.samples && args.feedback != "sampled") {
    throw InvalidArgument(fmt::format("--samples {} applies to --feedback sampled (this run has --feedback {})",
                                      *args.samples, args.feedback));
  }
  return NeuralPlugin().run_train(args);
}

}  // namespace nlhf::cli
