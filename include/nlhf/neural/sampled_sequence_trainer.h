// Training a sequence policy where the space is too large to enumerate (past SequenceSpace::kMaxEnumerated
// responses): no matrix is ever built. Each iteration draws K responses per prompt from the transformer
// (TransformerPolicy::Sample), asks the oracle one Bernoulli comparison per pair, estimates each drawn
// response's payoff by leave-one-out (on_policy_feedback: the same estimator as on enumerated games) and
// takes the method's regression step on the drawn responses' exact sequence log-probabilities
// (TransformerPolicy::LogProbabilities). Every trace record carries the estimated gap of gap_estimate.h
// (a stated best-response search with a confidence interval), always labelled as an estimate: it is a
// lower bound up to sampling error, never a certificate (docs/neural.md, "Spaces too large to enumerate").
//
// The methods: mwu, omwu (g_{t−1} estimated against the responses drawn at t − 1), online-ipo and mmd
// (reference: uniform over the space). Refused with the reason: nash-md and nash-md-pg (they draw from
// μ_t ∝ π_t^{1−ηβ} π_ref^{ηβ}, which a sequence model cannot sample without enumerating) and egpo (its
// second step needs π_{t+½}'s payoffs at the first step's responses).
#ifndef NLHF_NEURAL_SAMPLED_SEQUENCE_TRAINER_H_
#define NLHF_NEURAL_SAMPLED_SEQUENCE_TRAINER_H_

#include <memory>
#include <string>
#include <vector>

#include "nlhf/neural/gap_estimate.h"
#include "nlhf/neural/sequence_games.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::neural {

struct SampledTrainResult {
  // gap_estimated; gaps, gap_low, gap_high and the trace's gaps are estimates; policy is empty.
  TrainResult train;
  std::string search;  // GapSearchOptions::Describe()
  // Per prompt, the most probable of kTopDraws responses drawn from the final policy, with their exact
  // probabilities, most probable first.
  std::vector<std::vector<RankedResponse>> top_responses;
  static constexpr int kTopDraws = 1024;
};

// Empty when `options` can train on samples; otherwise the option and the rule.
std::string SampledTrainingSupports(const TrainOptions& options);

// Trains options.policy (a transformer) on `setting` (MakeSequenceSetting: any size). Checkpoints and
// resume as Train. The estimates are seeded by (options.seed, iteration), apart from the training draws,
// so --log-every does not change the trajectory. Throws InvalidArgument for invalid options.
SampledTrainResult TrainOnSamples(std::shared_ptr<const SequenceSetting> setting, const TrainOptions& options,
                                  const GapSearchOptions& search = {}, const TrainCallback& callback = {});

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_SAMPLED_SEQUENCE_TRAINER_H_
