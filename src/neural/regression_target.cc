#include "neural/regression_target.h"

#include "nlhf/error.h"

namespace nlhf::neural::internal {

torch::Tensor RegressionLoss(LossForm form, const torch::Tensor& residual) {
  if (form == LossForm::kPointwise) {
    const torch::Tensor centred = residual - residual.mean(1, /*keepdim=*/true);
    return 0.5 * (centred * centred).sum();
  }
  const torch::Tensor differences = residual.unsqueeze(2) - residual.unsqueeze(1);
  return (differences * differences).sum() / (4.0 * static_cast<double>(residual.size(1)));
}

torch::Tensor TargetFrom(TargetRule rule, double eta, double beta, const torch::Tensor& g, const torch::Tensor& previous,
                         const torch::Tensor& pull) {
  switch (rule) {
    case TargetRule::kMultiplicativeWeights:
      return eta * g;
    case TargetRule::kOptimistic:
      return eta * (2.0 * g - previous);
    case TargetRule::kRegularizedMirror:
    case TargetRule::kExtragradient:
    case TargetRule::kNashMirror:
      return eta * (g - pull);
    case TargetRule::kMagneticMirror:
      return eta * (g - pull) / (1.0 + eta * beta);
  }
  throw InvalidArgument("unknown target rule");
}

}  // namespace nlhf::neural::internal
