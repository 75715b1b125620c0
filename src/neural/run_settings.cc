#include "neural/run_settings.h"

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

}  // namespace nlhf::neural::internal
