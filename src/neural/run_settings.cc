#include "neural/run_settings.h"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

#include "nlhf/registry.h"

namespace nlhf::neural::internal {

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const std::vector<torch::Tensor>& parameters,
                                                       const TrainOptions& options) {
  if (options.optimizer == OptimizerKind::kSgd) {
    return std::make_unique<torch::optim::SGD>(parameters, torch::optim::SGDOptions(options.learning_rate));
  }
  return std::make_unique<torch::optim::Adam>(parameters, torch::optim::AdamOptions(options.learning_rate));
}

std::string MethodSpec(const NeuralMethod& method, double eta, double beta) {
  if (!method.regularized) return FormatSpec(method.name, {{"eta", eta}});
  return FormatSpec(method.name, {{"eta", eta}, {"beta", beta}});
}

std::uint64_t HashTensor(const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.cpu().contiguous();
  return std::hash<std::string_view>{}(
      std::string_view(static_cast<const char*>(t.data_ptr()), static_cast<size_t>(t.numel() * t.element_size())));
}

nlohmann::json CommonFingerprint(const std::string& spec, const std::string& network, const TrainOptions& options) {
  return {{"algorithm", spec},
          {"policy", network},
          {"learning_rate", options.learning_rate},
          {"optimizer", OptimizerKindName(options.optimizer)},
          {"feedback", FeedbackKindName(options.feedback)},
          {"samples", options.samples},
          {"seed", options.seed},
          {"device", options.device},
          {"log_every", options.log_every}};
}

bool StopAfterRecord(const TrainRecord& r, std::int64_t resumed_from, std::int64_t total, const TrainCallback& callback,
                     TrainResult& result) {
  if (!std::isfinite(r.mean_gap) || (r.iteration > resumed_from && std::isnan(r.loss))) {
    result.termination = Termination::kNumericalFailure;
    result.message = fmt::format("the policy or the loss became non-finite at iteration {}", r.iteration);
    return true;
  }
  if (callback && !callback(r, total)) {
    result.termination = Termination::kCallbackStop;
    result.message = fmt::format("stopped by the caller at iteration {}", r.iteration);
    return true;
  }
  return false;
}

bool CheckpointDue(const TrainOptions& options, std::int64_t iteration, std::int64_t total) {
  return !options.checkpoint_directory.empty() && options.checkpoint_every > 0 &&
         iteration % options.checkpoint_every == 0 && iteration < total;
}

void RecordTiming(std::chrono::steady_clock::time_point start, std::int64_t iteration, TrainResult& result) {
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.iterations = iteration;
  const std::int64_t run_here = iteration - result.resumed_from;
  result.microseconds_per_iteration = run_here > 0 ? 1e6 * result.seconds / static_cast<double>(run_here) : 0;
}

}  // namespace nlhf::neural::internal
