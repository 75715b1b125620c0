#include "nlhf/neural/sequence_games.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "nlhf/error.h"
#include "nlhf/resources.h"

namespace nlhf::neural {
namespace {

// V^length when at most 2^40, else nullopt.
std::optional<std::int64_t> PromptCount(int vocabulary, int length) {
  std::int64_t count = 1;
  for (int i = 0; i < length; ++i) {
    if (count > (std::int64_t{1} << 40) / vocabulary) return std::nullopt;
    count *= vocabulary;
  }
  return count;
}

// C distinct prompts: the first C of a seeded shuffle of the V^length prompt codes (or C seeded draws,
// rejected when repeated, where the codes are too many to shuffle).
torch::Tensor DrawPrompts(const SequenceGameOptions& options) {
  at::Generator generator = at::detail::createCPUGenerator(options.seed);
  const int v = options.vocabulary, length = options.prompt_length;
  const std::optional<std::int64_t> all = PromptCount(v, length);
  std::vector<std::int64_t> codes;
  if (all && *all <= (std::int64_t{1} << 20)) {
    const torch::Tensor order = torch::randperm(*all, generator, torch::kInt64);
    for (int c = 0; c < options.prompts; ++c) codes.push_back(order[c].item<std::int64_t>());
    torch::Tensor prompts = torch::empty({options.prompts, length}, torch::kInt64);
    for (int c = 0; c < options.prompts; ++c) {
      std::int64_t code = codes[static_cast<size_t>(c)];
      for (int i = length - 1; i >= 0; --i, code /= v) prompts[c][i] = code % v;
    }
    return prompts;
  }
  torch::Tensor prompts = torch::randint(v, {options.prompts, length}, generator, torch::kInt64);
  for (int c = 1; c < options.prompts; ++c) {
    while (prompts.slice(0, 0, c).eq(prompts[c]).all(1).any().item<bool>()) {
      prompts[c] = torch::randint(v, {length}, generator, torch::kInt64);
    }
  }
  return prompts;
}

std::vector<int> Tokens(const torch::Tensor& row, int end_token) {
  std::vector<int> tokens;
  for (std::int64_t i = 0; i < row.size(0); ++i) {
    const int token = static_cast<int>(row[i].item<std::int64_t>());
    if (token == end_token) break;
    tokens.push_back(token);
  }
  return tokens;
}

// A = (P − Pᵀ)/2 after checking P; the messages name the oracle, the prompt and the pair.
torch::Tensor CheckedPayoff(const torch::Tensor& p, const SequenceSetting& setting, const std::string& prompt) {
  const auto name = [&](std::int64_t i) { return setting.names[static_cast<size_t>(i)]; };
  const auto where = [&](const torch::Tensor& bad) {
    const torch::Tensor index = bad.nonzero()[0];
    return std::pair<std::int64_t, std::int64_t>(index[0].item<std::int64_t>(), index[1].item<std::int64_t>());
  };
  if (const torch::Tensor bad = p.isfinite().logical_not().logical_or(p.lt(0)).logical_or(p.gt(1)); bad.any().item<bool>()) {
    const auto [i, j] = where(bad);
    throw InvalidArgument(fmt::format("oracle {}, prompt \"{}\": P({} > {}) = {}; every answer must be a probability in "
                                      "[0, 1]",
                                      setting.oracle, prompt, name(i), name(j), p[i][j].item<double>()));
  }
  const torch::Tensor excess = (p + p.t() - 1).abs();
  if (const torch::Tensor bad = excess.gt(kComplementTolerance); bad.any().item<bool>()) {
    const auto [i, j] = where(bad);
    throw InvalidArgument(fmt::format("oracle {}, prompt \"{}\": P({} > {}) + P({} > {}) = {:.17g}; a preference "
                                      "oracle must answer |P(y > y') + P(y' > y) - 1| <= {:g}",
                                      setting.oracle, prompt, name(i), name(j), name(j), name(i),
                                      (p[i][j] + p[j][i]).item<double>(), kComplementTolerance));
  }
  return 0.5 * (p - p.t());
}

}  // namespace

std::string SequenceGameOptions::Validate() const {
  if (prompts < 1) return fmt::format("prompts = {}. Violated constraint: prompts >= 1", prompts);
  if (prompt_length < 0 || prompt_length > 64) {
    return fmt::format("prompt_length = {}. Violated constraint: 0 <= prompt_length <= 64", prompt_length);
  }
  const SequenceSpace space(vocabulary, max_length);  // throws for --vocab or --length out of range
  if (const std::optional<std::int64_t> distinct = PromptCount(vocabulary, prompt_length); distinct && *distinct < prompts) {
    return fmt::format("prompts = {}: only {} distinct prompts of {} token(s) over {} token(s) exist", prompts, *distinct,
                       prompt_length, vocabulary);
  }
  return oracle.Validate();
}

std::shared_ptr<SequenceSetting> MakeSequenceSetting(const SequenceGameOptions& options) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  auto setting = std::make_shared<SequenceSetting>(SequenceSetting{
      .space = SequenceSpace(options.vocabulary, options.max_length)});
  setting->prompts = DrawPrompts(options);
  for (int c = 0; c < options.prompts; ++c) {
    setting->prompt_names.push_back(setting->space.Decode(Tokens(setting->prompts[c], setting->space.end_token())));
  }
  setting->judge = MakeSequenceOracle(options.oracle, setting->space, options.prompt_length);
  setting->oracle = setting->judge->Describe();
  return setting;
}

TrainingGames MakeSequenceGames(const SequenceGameOptions& options) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  if (const SequenceSpace space(options.vocabulary, options.max_length); !space.enumerable()) {
    throw InvalidArgument(fmt::format("{}; the exact certificate enumerates them and takes at most {} (lower --vocab "
                                      "or --length, or train on samples with an estimated gap: --feedback sampled "
                                      "--estimate-gap)",
                                      space.Describe(), SequenceSpace::kMaxEnumerated));
  }
  const std::int64_t n = *SequenceSpace(options.vocabulary, options.max_length).size();
  // P of one prompt and A of all of them, with the checks' temporaries.
  RequireMemory(fmt::format("train --vocab {} --length {} --prompts {} ({} responses: {} x {} matrices)",
                            options.vocabulary, options.max_length, options.prompts, n, n, n),
                8.0 * static_cast<double>(n) * static_cast<double>(n) * (options.prompts + 4));
  const std::shared_ptr<SequenceSetting> setting = MakeSequenceSetting(options);
  const SequenceSpace& space = setting->space;
  setting->responses = space.Enumerate();
  for (std::int64_t i = 0; i < n; ++i) setting->names.push_back(space.Decode(Tokens(setting->responses[i], space.end_token())));
  const SequenceOracle& oracle = *setting->judge;

  TrainingGames games;
  std::vector<torch::Tensor> payoffs;
  for (int c = 0; c < options.prompts; ++c) {
    const torch::Tensor prompt = setting->prompts[c];
    const std::string& name = setting->prompt_names[static_cast<size_t>(c)];
    const torch::Tensor p = oracle.Matrix(prompt, setting->responses).to(torch::kFloat64);
    if (p.dim() != 2 || p.size(0) != n || p.size(1) != n) {
      throw InvalidArgument(fmt::format("oracle {}: a {}-dimensional answer for {} x {} pairs", setting->oracle,
                                        p.dim(), n, n));
    }
    payoffs.push_back(CheckedPayoff(p, *setting, name));
    games.contexts.push_back(name);
    setting->matrix_queries += n * n;
  }
  games.payoff = torch::stack(payoffs);
  // What the contextual policy sees of a prompt: its tokens, one-hot (a constant 1 for empty prompts).
  games.features = options.prompt_length == 0
                       ? torch::ones({options.prompts, 1}, torch::kFloat64)
                       : torch::one_hot(setting->prompts, options.vocabulary).to(torch::kFloat64).view({options.prompts, -1});
  games.description = fmt::format("{} over {}, {} prompt{} of {} token{}", setting->oracle, space.Describe(),
                                  options.prompts, options.prompts == 1 ? "" : "s", options.prompt_length,
                                  options.prompt_length == 1 ? "" : "s");
  games.sequences = std::move(setting);
  return games;
}

std::vector<std::vector<RankedResponse>> TopResponses(const SequenceSetting& setting, const Eigen::MatrixXd& policy,
                                                      int count) {
  std::vector<std::vector<RankedResponse>> top;
  for (Eigen::Index c = 0; c < policy.rows(); ++c) {
    std::vector<Eigen::Index> order(static_cast<size_t>(policy.cols()));
    std::iota(order.begin(), order.end(), 0);
    const size_t k = std::min(order.size(), static_cast<size_t>(std::max(count, 0)));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](Eigen::Index a, Eigen::Index b) {
                        return policy(c, a) > policy(c, b) || (policy(c, a) == policy(c, b) && a < b);
                      });
    std::vector<RankedResponse> ranked;
    for (size_t i = 0; i < k; ++i) ranked.push_back({setting.names[static_cast<size_t>(order[i])], policy(c, order[i])});
    top.push_back(std::move(ranked));
  }
  return top;
}

}  // namespace nlhf::neural
