// An estimated duality gap for sequence policies, for spaces too large to enumerate: the payoff of the
// best response that a stated search finds against the policy, measured again on fresh opponents, with a
// confidence interval. Up to sampling error it is a lower bound on the gap (the search may miss the best
// response), so it is always reported as an estimate, never as a certificate (docs/neural.md,
// "Estimated gap").
//
// The search, for one prompt: draw `candidates` responses from π and score each by
// ĝ(y) = mean_j P(y ≻ y′_j) − ½ over `opponents` responses y′_j drawn from π; then a beam of the `beam`
// best responses so far is improved for up to `rounds` rounds, each scoring every response one token edit
// away from the beam (a token substituted, inserted or deleted) against the same opponents, until the beam
// stops changing. The best response found, y*, is then scored against `validation` fresh draws from π:
// the gap estimate is 2·ĝ(y*) (the symmetric game's gap is 2·max_y (Aπ)_y), the interval
// 2·(ĝ ± z·s/√M′) with s the draws' standard deviation. The fresh draws matter: the search's own scores
// are biased upward by the selection of the best among many.
#ifndef NLHF_NEURAL_GAP_ESTIMATE_H_
#define NLHF_NEURAL_GAP_ESTIMATE_H_

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>

#include "nlhf/neural/sequence_space.h"

namespace nlhf::neural {

struct GapSearchOptions {
  int candidates = 256;   // responses drawn from π to start from
  int opponents = 1024;   // draws from π the search scores against
  int beam = 8;           // best responses improved by one-token edits
  int rounds = 4;         // edit rounds at most
  int validation = 4096;  // fresh draws from π for the final estimate
  double z = 1.959963984540054;  // the normal quantile of the interval (95%)

  // Empty when valid; otherwise the option and the rule.
  std::string Validate() const;
  // "256 draws + 4 rounds of one-token edits of the best 8, scored against 1024 draws; 4096 fresh draws".
  std::string Describe() const;
};

struct GapEstimate {
  double gap = 0;   // 2·ĝ(y*) on the fresh draws
  double low = 0, high = 0;  // its confidence interval
  torch::Tensor best_response;  // y*: 1 × T int64, end-padded
  std::int64_t scored = 0;      // responses the search scored
  std::int64_t judged = 0;      // preference probabilities asked of the judge
};

// `count` responses drawn from the policy (count × T int64, end-padded) with `generator`.
using ResponseSampler = std::function<torch::Tensor(int count, at::Generator& generator)>;
// P(rows_i ≻ columns_j) for end-padded responses `rows` (K × T) and `columns` (M × T): K × M float64
// (SequenceOracle::Matrix for a prompt).
using PreferenceJudge = std::function<torch::Tensor(const torch::Tensor& rows, const torch::Tensor& columns)>;

// The sampler and judge of an enumerated game (sequence_games.h), where the estimate can be checked
// against the exact gap: draws from `probabilities` over `responses` (N, N × T), and P = A + ½ from the
// game's N × N matrix A, found by SequenceSpace::Index.
ResponseSampler EnumeratedSampler(torch::Tensor responses, torch::Tensor probabilities);
PreferenceJudge MatrixJudge(const SequenceSpace& space, torch::Tensor payoff);

// Throws InvalidArgument for invalid options.
GapEstimate EstimateGap(const SequenceSpace& space, const ResponseSampler& sample, const PreferenceJudge& judge,
                        const GapSearchOptions& options, at::Generator& generator);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_GAP_ESTIMATE_H_
