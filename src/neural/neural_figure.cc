#include "nlhf/neural/neural_figure.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "nlhf/experiments/comparison.h"
#include "nlhf/neural/methods.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::neural {
namespace {

// One method over every seed: the summary `nlhf compare` makes of tabular runs, from training traces
// (iterations to a level are read at the trace's resolution, every log_every iterations).
MethodSummary Summarize(const NeuralMethod& method, const std::vector<TrainResult>& runs) {
  MethodSummary summary;
  summary.name = method.name;
  summary.spec = runs.front().algorithm;
  RunMeasurements measured;
  for (const TrainResult& run : runs) {
    measured.finals.push_back(run.mean_gap);  // a diverged run's NaN is left out (and the method marked below)
    measured.regularized.push_back(run.mean_regularized_gap);
    measured.seconds.push_back(run.seconds);
    double best = std::numeric_limits<double>::infinity();
    for (double level : {1e-6, 1e-9}) measured.reached[level].push_back(std::numeric_limits<double>::infinity());
    for (const TrainRecord& r : run.trace) {
      best = std::min(best, r.mean_gap);
      for (auto& [level, firsts] : measured.reached) {
        if (std::isinf(firsts.back()) && r.mean_gap <= level) firsts.back() = static_cast<double>(r.iteration);
      }
    }
    measured.bests.push_back(best);
  }
  SetMedians(measured, summary);
  // Runs record the same iterations, but one that diverged (numerical failure) stops early: each point is
  // over the runs that reached it, and the method is marked.
  int failed = 0;
  for (const TrainResult& run : runs) failed += run.termination == Termination::kNumericalFailure ? 1 : 0;
  if (failed > 0) {
    summary.spec += fmt::format(" [diverged on {} of {} seeds]", failed, runs.size());
    summary.final_gap = std::numeric_limits<double>::quiet_NaN();
  }
  const TrainResult& longest = *std::max_element(runs.begin(), runs.end(), [](const TrainResult& a, const TrainResult& b) {
    return a.trace.size() < b.trace.size();
  });
  for (size_t k = 0; k < longest.trace.size(); ++k) {
    std::vector<double> values;
    for (const TrainResult& run : runs) {
      if (k < run.trace.size() && std::isfinite(run.trace[k].mean_gap)) values.push_back(run.trace[k].mean_gap);
    }
    if (values.empty()) continue;
    summary.curve.iterations.push_back(longest.trace[k].iteration);
    summary.curve.median.push_back(Median(values));
    summary.curve.minimum.push_back(*std::min_element(values.begin(), values.end()));
    summary.curve.maximum.push_back(*std::max_element(values.begin(), values.end()));
  }
  return summary;
}

}  // namespace

std::vector<NeuralPanel> RunNeuralFigure(const NeuralFigureOptions& options) {
  struct Setting {
    std::string key, family, title;
    int n;
    std::int64_t iterations;
    bool sampled;
  };
  const std::vector<Setting> settings = {
      {"random_exact", "random", fmt::format("random games, n = {}, exact feedback", options.exact_n), options.exact_n,
       options.exact_iterations, false},
      {"planted_exact", "planted", fmt::format("planted games, n = {}, exact feedback", options.exact_n),
       options.exact_n, options.exact_iterations, false},
      {"random_sampled", "random",
       fmt::format("random games, n = {}, {} sampled comparisons per iteration", options.sampled_n, options.samples),
       options.sampled_n, options.sampled_iterations, true},
  };
  const int previous_threads = torch::get_num_threads();
  torch::set_num_threads(options.threads);
  std::vector<NeuralPanel> panels;
  for (const Setting& setting : settings) {
    NeuralPanel panel{setting.key, {setting.title, {}}};
    for (const NeuralMethod& method : NeuralMethods()) {
      std::vector<TrainResult> runs;
      for (int seed = 1; seed <= options.seeds; ++seed) {
        if (options.progress) options.progress(fmt::format("fig2_neural ({}): {} seed {}", setting.key, method.name, seed));
        const TrainingGames games = GenerateTrainingGames(
            {.kind = setting.family, .n = setting.n, .seed = static_cast<std::uint64_t>(seed)}, 1);
        TrainOptions train;
        train.algorithm = method.name;
        train.policy.kind = PolicyKind::kMlp;
        train.iterations = setting.iterations;
        train.seed = static_cast<std::uint64_t>(seed);
        train.log_every = std::max<std::int64_t>(1, setting.iterations / 300);
        if (setting.sampled) {
          train.feedback = FeedbackKind::kSampled;
          train.samples = options.samples;
          train.learning_rate = options.sampled_learning_rate;
        }
        runs.push_back(Train(games, train));
      }
      panel.panel.methods.push_back(Summarize(method, runs));
    }
    panels.push_back(std::move(panel));
  }
  torch::set_num_threads(previous_threads);
  return panels;
}

}  // namespace nlhf::neural
