#include "nlhf/neural/gap_estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "nlhf/error.h"

namespace nlhf::neural {
namespace {

using Tokens = std::vector<std::int64_t>;  // a response's tokens, without the end token

Tokens RowTokens(const torch::Tensor& row, int end) {
  Tokens tokens;
  const auto a = row.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < a.size(0) && a[i] != end; ++i) tokens.push_back(a[i]);
  return tokens;
}

torch::Tensor Rows(const std::vector<Tokens>& responses, const SequenceSpace& space) {
  torch::Tensor rows = torch::full({static_cast<std::int64_t>(responses.size()), space.max_length()}, space.end_token(),
                                   torch::kInt64);
  auto a = rows.accessor<std::int64_t, 2>();
  for (size_t r = 0; r < responses.size(); ++r) {
    for (size_t i = 0; i < responses[r].size(); ++i) a[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(i)] = responses[r][i];
  }
  return rows;
}

// Every response one edit away: each token substituted by another, each deleted, and (below T tokens) each
// token inserted at each place.
std::vector<Tokens> Neighbours(const Tokens& y, const SequenceSpace& space) {
  std::vector<Tokens> out;
  const int v = space.vocabulary();
  for (size_t i = 0; i < y.size(); ++i) {
    for (int token = 0; token < v; ++token) {
      if (token == y[i]) continue;
      Tokens z = y;
      z[i] = token;
      out.push_back(std::move(z));
    }
    Tokens deleted = y;
    deleted.erase(deleted.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(deleted));
  }
  if (static_cast<int>(y.size()) < space.max_length()) {
    for (size_t i = 0; i <= y.size(); ++i) {
      for (int token = 0; token < v; ++token) {
        Tokens z = y;
        z.insert(z.begin() + static_cast<std::ptrdiff_t>(i), token);
        out.push_back(std::move(z));
      }
    }
  }
  return out;
}

// P(y_k ≻ o_j) − ½ for every candidate k and opponent j: K × M, asked of the judge in blocks of at most
// kPairsPerCall pairs (a judge's temporaries for every pair at once would take gigabytes on large searches).
torch::Tensor Margins(const torch::Tensor& candidates, const torch::Tensor& opponents, const PreferenceJudge& judge,
                      std::int64_t& judged) {
  constexpr std::int64_t kPairsPerCall = std::int64_t{1} << 20;
  const std::int64_t k = candidates.size(0), m = opponents.size(0);
  const std::int64_t block = std::max<std::int64_t>(1, kPairsPerCall / m);
  std::vector<torch::Tensor> rows;
  for (std::int64_t begin = 0; begin < k; begin += block) {
    rows.push_back(judge(candidates.slice(0, begin, std::min(k, begin + block)), opponents) - 0.5);
  }
  judged += k * m;
  return torch::cat(rows);
}

}  // namespace

std::string GapSearchOptions::Validate() const {
  for (const auto& [name, value] : {std::pair{"candidates", candidates}, std::pair{"opponents", opponents},
                                    std::pair{"beam", beam}, std::pair{"validation", validation}}) {
    if (value < 1 || value > 1000000) return fmt::format("{} = {}. Violated constraint: 1 <= {} <= 1000000", name, value, name);
  }
  if (validation < 2) return fmt::format("validation = {}. Violated constraint: validation >= 2", validation);
  if (rounds < 0 || rounds > 1000) return fmt::format("rounds = {}. Violated constraint: 0 <= rounds <= 1000", rounds);
  if (!(z > 0) || !std::isfinite(z)) return fmt::format("z = {}. Violated constraint: 0 < z < inf", z);
  return "";
}

std::string GapSearchOptions::Describe() const {
  return fmt::format("the best of {} draws and up to {} rounds of one-token edits of the best {}, scored against {} "
                     "draws; its payoff on {} fresh draws",
                     candidates, rounds, beam, opponents, validation);
}

ResponseSampler EnumeratedSampler(torch::Tensor responses, torch::Tensor probabilities) {
  return [responses = std::move(responses), probabilities = std::move(probabilities)](int count, at::Generator& generator) {
    return responses.index_select(0, torch::multinomial(probabilities, count, /*replacement=*/true, generator));
  };
}

PreferenceJudge MatrixJudge(const SequenceSpace& space, torch::Tensor payoff) {
  return [space, payoff = std::move(payoff)](const torch::Tensor& rows, const torch::Tensor& columns) {
    return payoff.index_select(0, space.Index(rows)).index_select(1, space.Index(columns)) + 0.5;
  };
}

GapEstimate EstimateGap(const SequenceSpace& space, const ResponseSampler& sample, const PreferenceJudge& judge,
                        const GapSearchOptions& options, at::Generator& generator) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  torch::NoGradGuard no_grad;
  const int end = space.end_token();
  GapEstimate estimate;
  const torch::Tensor opponents = sample(options.opponents, generator);
  std::map<Tokens, double> scores;  // every response scored, by its tokens (ordered: the search repeats)
  const auto score = [&](const std::vector<Tokens>& responses) {
    std::vector<Tokens> fresh;
    std::set<Tokens> seen;
    for (const Tokens& y : responses) {
      if (!scores.count(y) && seen.insert(y).second) fresh.push_back(y);
    }
    if (fresh.empty()) return;
    const torch::Tensor means = Margins(Rows(fresh, space), opponents, judge, estimate.judged).mean(1);
    for (size_t r = 0; r < fresh.size(); ++r) scores[fresh[r]] = means[static_cast<std::int64_t>(r)].item<double>();
  };
  const auto best = [&](int count) {
    std::vector<std::pair<double, Tokens>> ranked;
    for (const auto& [y, s] : scores) ranked.emplace_back(s, y);
    // Highest score first; ties by the tokens, so that the search does not depend on the map's order.
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::vector<Tokens> top;
    for (int k = 0; k < count && k < static_cast<int>(ranked.size()); ++k) top.push_back(ranked[static_cast<size_t>(k)].second);
    return top;
  };

  const torch::Tensor drawn = sample(options.candidates, generator);
  std::vector<Tokens> starts;
  for (std::int64_t r = 0; r < drawn.size(0); ++r) starts.push_back(RowTokens(drawn[r], end));
  score(starts);
  std::vector<Tokens> beam = best(options.beam);
  for (int round = 0; round < options.rounds; ++round) {
    std::vector<Tokens> edits;
    for (const Tokens& y : beam) {
      for (Tokens& z : Neighbours(y, space)) edits.push_back(std::move(z));
    }
    score(edits);
    std::vector<Tokens> next = best(options.beam);
    if (next == beam) break;
    beam = std::move(next);
  }
  estimate.scored = static_cast<std::int64_t>(scores.size());

  const Tokens winner = best(1).front();
  estimate.best_response = Rows({winner}, space);
  const torch::Tensor margins = Margins(estimate.best_response, sample(options.validation, generator), judge, estimate.judged).view({-1});
  const double mean = margins.mean().item<double>();
  const double half = options.z * margins.std().item<double>() / std::sqrt(static_cast<double>(options.validation));
  estimate.gap = 2 * mean;
  estimate.low = 2 * (mean - half);
  estimate.high = 2 * (mean + half);
  return estimate;
}

}  // namespace nlhf::neural
