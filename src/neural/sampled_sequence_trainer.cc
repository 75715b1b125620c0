#include "nlhf/neural/sampled_sequence_trainer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "nlhf/error.h"
#include "nlhf/neural/methods.h"
#include "nlhf/neural/train_json.h"
#include "nlhf/neural/transformer_policy.h"
#include "neural/checkpoint.h"
#include "neural/on_policy_feedback.h"
#include "neural/regression_target.h"
#include "neural/run_settings.h"

namespace nlhf::neural {
namespace {

std::vector<int> TokensOf(const torch::Tensor& row, int end) {
  std::vector<int> tokens;
  const auto a = row.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < a.size(0) && a[i] != end; ++i) tokens.push_back(static_cast<int>(a[i]));
  return tokens;
}

class SampledSequenceRun {
 public:
  SampledSequenceRun(std::shared_ptr<const SequenceSetting> setting, const TrainOptions& options,
                     const GapSearchOptions& search)
      : setting_(std::move(setting)),
        options_(options),
        search_(search),
        method_(FindNeuralMethod(options.algorithm)),
        eta_(options.step_size.value_or(method_.default_step_size)),
        beta_(method_.regularized ? options.beta.value_or(method_.default_beta) : 0.0),
        generator_(at::detail::createCPUGenerator(options.seed)),
        network_(std::make_shared<TransformerPolicy>(options.policy, setting_, generator_)),
        optimizer_(internal::MakeOptimizer(network_->parameters(), options)) {}

  SampledTrainResult Run(const TrainCallback& callback) {
    SampledTrainResult out;
    out.search = search_.Describe();
    TrainResult& result = out.train;
    result.algorithm = AlgorithmSpec();
    result.network = network_->Describe();
    result.trained_network = network_;
    result.backend = "autograd";
    result.gap_estimated = true;
    for (const auto& p : network_->parameters()) result.parameters += p.numel();
    if (!options_.resume_directory.empty()) Resume(options_.resume_directory);
    result.resumed_from = iteration_;
    const std::int64_t total = options_.iterations;
    if (iteration_ > total) {
      throw InvalidArgument(fmt::format("--resume {}: the checkpoint is at iteration {}, past --iters {}",
                                        options_.resume_directory, iteration_, total));
    }
    const auto start = std::chrono::steady_clock::now();
    result.termination = Termination::kMaxIterations;
    std::vector<GapEstimate> final_estimates;
    for (;;) {
      const std::int64_t t = iteration_;
      const bool last = t == total;
      if (last || t % options_.log_every == 0) {
        std::vector<GapEstimate> estimates = Estimate(t);
        const TrainRecord r = Record(t, estimates);
        trace_.push_back(r);
        if (internal::StopAfterRecord(r, result.resumed_from, total, callback, result) || last) {
          final_estimates = std::move(estimates);
          break;
        }
      }
      Step();
      ++iteration_;
      if (internal::CheckpointDue(options_, iteration_, total)) Save(options_.checkpoint_directory);
    }
    internal::RecordTiming(start, iteration_, result);
    if (!options_.checkpoint_directory.empty()) Save(options_.checkpoint_directory);

    const Eigen::Index contexts = static_cast<Eigen::Index>(final_estimates.size());
    result.gaps.resize(contexts);
    result.gap_low.resize(contexts);
    result.gap_high.resize(contexts);
    for (Eigen::Index c = 0; c < contexts; ++c) {
      const GapEstimate& e = final_estimates[static_cast<size_t>(c)];
      result.gaps(c) = e.gap;
      result.gap_low(c) = e.low;
      result.gap_high(c) = e.high;
    }
    result.mean_gap = trace_.back().mean_gap;
    result.max_gap = trace_.back().max_gap;
    result.queries = queries_;
    if (result.message.empty()) {
      result.message = fmt::format("{} iterations; estimated duality gap {:.3g} (mean over {} prompt{}; an estimate, "
                                   "not a certificate)",
                                   iteration_, result.mean_gap, contexts, contexts == 1 ? "" : "s");
    }
    result.trace = trace_;
    out.top_responses = TopResponses();
    return out;
  }

 private:
  std::string AlgorithmSpec() const { return internal::MethodSpec(method_, eta_, beta_); }

  int contexts() const { return static_cast<int>(setting_->prompts.size(0)); }

  // One query per pair, drawn with the training generator; C × M outcomes for C × M × T responses. The
  // oracle's answers are checked where they are used: probabilities, and complementary (both orders asked).
  torch::Tensor Compare(const torch::Tensor& first, const torch::Tensor& second) {
    const std::int64_t m = first.size(1);
    torch::Tensor outcomes = torch::empty({contexts(), m}, torch::kFloat64);
    for (int c = 0; c < contexts(); ++c) {
      const torch::Tensor prompt = setting_->prompts[c];
      const torch::Tensor p = setting_->judge->Probabilities(prompt, first[c], second[c]).to(torch::kFloat64);
      const torch::Tensor q = setting_->judge->Probabilities(prompt, second[c], first[c]).to(torch::kFloat64);
      CheckAnswers(c, first[c], second[c], p, q);
      outcomes[c] = torch::bernoulli(p, generator_);
    }
    queries_ += contexts() * m;
    return outcomes;
  }

  void CheckAnswers(int c, const torch::Tensor& first, const torch::Tensor& second, const torch::Tensor& p,
                    const torch::Tensor& q) const {
    const SequenceSpace& space = setting_->space;
    const auto pair = [&](const torch::Tensor& bad) {
      const std::int64_t b = bad.nonzero()[0][0].item<std::int64_t>();
      return std::pair<std::string, std::string>(space.Decode(TokensOf(first[b], space.end_token())),
                                                 space.Decode(TokensOf(second[b], space.end_token())));
    };
    const std::string& prompt = setting_->prompt_names[static_cast<size_t>(c)];
    if (const torch::Tensor bad = p.isfinite().logical_not().logical_or(p.lt(0)).logical_or(p.gt(1)); bad.any().item<bool>()) {
      const auto [y, z] = pair(bad);
      throw InvalidArgument(fmt::format("oracle {}, prompt \"{}\": P({} > {}) is not a probability in [0, 1]",
                                        setting_->oracle, prompt, y, z));
    }
    if (const torch::Tensor bad = (p + q - 1).abs().gt(kComplementTolerance); bad.any().item<bool>()) {
      const auto [y, z] = pair(bad);
      throw InvalidArgument(fmt::format("oracle {}, prompt \"{}\": P({} > {}) + P({} > {}) differs from 1 by more than "
                                        "{:g}; a preference oracle must answer complementary probabilities",
                                        setting_->oracle, prompt, y, z, z, y, kComplementTolerance));
    }
  }

  // The method's step on K responses per prompt drawn from π_t (docs/neural.md, "Sampled losses").
  void Step() {
    const int k = options_.samples, t = setting_->space.max_length();
    std::vector<torch::Tensor> drawn;
    for (int c = 0; c < contexts(); ++c) drawn.push_back(network_->Sample(c, k, generator_));
    const torch::Tensor responses = torch::stack(drawn);  // C × K × T
    const torch::Tensor rows = responses.view({-1, t});
    const torch::Tensor row_contexts = torch::arange(contexts(), torch::kInt64).repeat_interleave(k);
    torch::Tensor target;
    torch::Tensor log_pi_t;
    {
      torch::NoGradGuard no_grad;
      log_pi_t = network_->LogProbabilities(row_contexts, rows).view({contexts(), k});
      min_log_probability_ = log_pi_t.min().item<double>();
      const internal::PairComparer compare = [this](const torch::Tensor& a, const torch::Tensor& b) { return Compare(a, b); };
      const torch::Tensor g = internal::LeaveOneOutPayoffs(compare, responses);
      torch::Tensor previous;
      if (method_.rule == TargetRule::kOptimistic) {
        previous = previous_responses_.defined() ? internal::PayoffsAgainst(compare, responses, previous_responses_) : g;
        previous_responses_ = responses;
      }
      // The reference is uniform: β(log π_t − log π_ref) differs from β log π_t by a constant, which
      // neither loss form sees (both are invariant to a shift of the residual).
      const torch::Tensor pull = method_.regularized ? beta_ * log_pi_t : torch::Tensor();
      target = internal::TargetFrom(method_.rule, eta_, beta_, g, previous, pull);
    }
    const double scale = 1.0 / (static_cast<double>(contexts()) * k);
    for (int fit = 0; fit < options_.fit_steps; ++fit) {
      const torch::Tensor log_policy = network_->LogProbabilities(row_contexts, rows).view({contexts(), k});
      const torch::Tensor loss = scale * internal::RegressionLoss(method_.form, (log_policy - log_pi_t) - target);
      optimizer_->zero_grad();
      loss.backward();
      optimizer_->step();
      if (fit == 0) loss_ = loss.item<double>();
    }
  }

  // Each prompt's estimated gap, from a generator of its own seeded by (seed, t): the estimate repeats
  // whatever the trace's spacing, and leaves the training draws alone.
  std::vector<GapEstimate> Estimate(std::int64_t t) {
    at::Generator generator = at::detail::createCPUGenerator(options_.seed * 1000003 + static_cast<std::uint64_t>(t));
    std::vector<GapEstimate> estimates;
    for (int c = 0; c < contexts(); ++c) {
      const torch::Tensor prompt = setting_->prompts[c];
      const ResponseSampler sample = [this, c](int count, at::Generator& g) { return network_->Sample(c, count, g); };
      const PreferenceJudge judge = [this, prompt](const torch::Tensor& rows, const torch::Tensor& columns) {
        return setting_->judge->Matrix(prompt, rows, columns).to(torch::kFloat64);
      };
      estimates.push_back(EstimateGap(setting_->space, sample, judge, search_, generator));
    }
    return estimates;
  }

  TrainRecord Record(std::int64_t t, const std::vector<GapEstimate>& estimates) const {
    TrainRecord r;
    r.iteration = t;
    double sum = 0, most = -std::numeric_limits<double>::infinity();
    for (const GapEstimate& e : estimates) {
      sum += e.gap;
      most = std::max(most, e.gap);
    }
    r.mean_gap = sum / static_cast<double>(estimates.size());
    r.max_gap = most;
    r.loss = loss_;
    r.queries = queries_;
    r.min_log_probability = min_log_probability_;
    return r;
  }

  std::vector<std::vector<RankedResponse>> TopResponses() {
    torch::NoGradGuard no_grad;
    at::Generator generator = at::detail::createCPUGenerator(options_.seed);
    const SequenceSpace& space = setting_->space;
    std::vector<std::vector<RankedResponse>> top;
    for (int c = 0; c < contexts(); ++c) {
      const torch::Tensor drawn = std::get<0>(torch::unique_dim(network_->Sample(c, SampledTrainResult::kTopDraws, generator), 0));
      const torch::Tensor log_p =
          network_->LogProbabilities(torch::full({drawn.size(0)}, c, torch::kInt64), drawn);
      std::vector<RankedResponse> ranked;
      for (std::int64_t i = 0; i < drawn.size(0); ++i) {
        ranked.push_back({space.Decode(TokensOf(drawn[i], space.end_token())), std::exp(log_p[i].item<double>())});
      }
      std::stable_sort(ranked.begin(), ranked.end(), [](const RankedResponse& a, const RankedResponse& b) {
        return a.probability > b.probability;
      });
      ranked.resize(std::min<size_t>(ranked.size(), kTopResponses));
      top.push_back(std::move(ranked));
    }
    return top;
  }

  // What determines the trajectory and the trace: a checkpoint resumes only a run with the same of each.
  nlohmann::json Fingerprint() const {
    nlohmann::json fingerprint = internal::CommonFingerprint(AlgorithmSpec(), network_->Describe(), options_);
    fingerprint["fit_steps"] = options_.fit_steps;
    fingerprint["games"] = fmt::format("{} over {}, prompts {}", setting_->oracle, setting_->space.Describe(),
                                       internal::HashTensor(setting_->prompts));
    fingerprint["on_policy"] = true;
    fingerprint["estimated_gap"] = search_.Describe();
    return fingerprint;
  }

  void Save(const std::string& directory) {
    internal::WriteCheckpoint(directory,
                              {.fingerprint = Fingerprint(),
                               .iteration = iteration_,
                               .queries = queries_,
                               .previous_payoff = previous_responses_,
                               .loss = loss_,
                               .rng = generator_.get_state(),
                               .trace = trace_},
                              *network_, *optimizer_);
  }

  void Resume(const std::string& directory) {
    internal::CheckpointState state =
        internal::ReadCheckpoint(directory, Fingerprint(), torch::Device(torch::kCPU), *network_, *optimizer_);
    iteration_ = state.iteration;
    queries_ = state.queries;
    previous_responses_ = state.previous_payoff;
    loss_ = state.loss;
    generator_.set_state(state.rng);
    trace_.clear();
    for (const TrainRecord& r : state.trace) {
      if (r.iteration < iteration_) trace_.push_back(r);
    }
  }

  std::shared_ptr<const SequenceSetting> setting_;
  TrainOptions options_;
  GapSearchOptions search_;
  const NeuralMethod& method_;
  double eta_;
  double beta_;
  at::Generator generator_;  // initial weights, then every training draw and comparison
  std::shared_ptr<TransformerPolicy> network_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  torch::Tensor previous_responses_;  // OMWU: the C × K × T responses drawn from π_{t−1}
  std::int64_t iteration_ = 0;
  std::int64_t queries_ = 0;
  double loss_ = std::numeric_limits<double>::quiet_NaN();
  double min_log_probability_ = std::numeric_limits<double>::quiet_NaN();  // over the last step's draws
  std::vector<TrainRecord> trace_;
};

}  // namespace

std::string SampledTrainingSupports(const TrainOptions& options) {
  if (options.policy.kind != PolicyKind::kTransformer) {
    return fmt::format("policy = {}: a space too large to enumerate is trained with a policy that writes token "
                       "sequences (--policy transformer)",
                       PolicyKindName(options.policy.kind));
  }
  if (options.feedback != FeedbackKind::kSampled) {
    return "feedback = exact weighs every response; a space too large to enumerate trains on drawn responses "
           "(--feedback sampled)";
  }
  if (options.samples < 2) {
    return fmt::format("samples = {}. Violated constraint: samples >= 2 (each drawn response's payoff is estimated "
                       "from its comparisons with the K - 1 others)",
                       options.samples);
  }
  switch (FindNeuralMethod(options.algorithm).rule) {
    case TargetRule::kNashMirror:
      return fmt::format("{} draws from the mixture mu_t ~ pi_t^(1-eta*beta) pi_ref^(eta*beta), which a sequence model "
                         "cannot sample without enumerating the space; use mwu, omwu, online-ipo or mmd",
                         options.algorithm);
    case TargetRule::kExtragradient:
      return "egpo's second step needs the payoffs of pi_{t+1/2} at the responses of the first; use mwu, omwu, "
             "online-ipo or mmd";
    default:
      break;
  }
  if (FindNeuralMethod(options.algorithm).form == LossForm::kPolicyGradient) {
    return fmt::format("{} draws from the mixture mu_t, which a sequence model cannot sample without enumerating the "
                       "space; use mwu, omwu, online-ipo or mmd",
                       options.algorithm);
  }
  if (options.reference_log_policy.size() != 0) {
    return "a reference policy lists every response; on a space too large to enumerate the reference is uniform";
  }
  if (options.backend == Backend::kFused) {
    return "backend = fused is not available here: a space too large to enumerate trains on the autograd path";
  }
  if (options.device != "cpu") return fmt::format("device = {}: training on samples runs on the CPU", options.device);
  return "";
}

SampledTrainResult TrainOnSamples(std::shared_ptr<const SequenceSetting> setting, const TrainOptions& options,
                                  const GapSearchOptions& search, const TrainCallback& callback) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  if (const std::string problem = SampledTrainingSupports(options); !problem.empty()) throw InvalidArgument(problem);
  if (const std::string problem = search.Validate(); !problem.empty()) throw InvalidArgument(problem);
  if (!setting || !setting->judge) throw InvalidArgument("training on samples needs a sequence setting with its oracle");
  try {
    SampledSequenceRun run(std::move(setting), options, search);
    return run.Run(callback);
  } catch (const c10::Error& error) {
    throw Error(fmt::format("LibTorch: {}", error.what_without_backtrace()));
  }
}

}  // namespace nlhf::neural
