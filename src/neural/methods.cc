#include "nlhf/neural/methods.h"

#include <fmt/format.h>

#include "nlhf/error.h"

namespace nlhf::neural {

const std::vector<NeuralMethod>& NeuralMethods() {
  static const std::vector<NeuralMethod> methods = {
      {"omwu", "optimistic MWU: regress log π_θ/π_t onto η(2·P(y≻π_t) − P(y≻π_{t−1}) − 1/2)",
       TargetRule::kOptimistic, LossForm::kPointwise, 1.0, 0.0, false, "omwu"},
      {"mwu", "MWU / OMD with entropy: regress onto η(P(y≻π_t) − 1/2)", TargetRule::kMultiplicativeWeights,
       LossForm::kPointwise, 0.1, 0.0, false, "mwu"},
      {"sppo", "SPPO: the MWU regression with SPPO's step", TargetRule::kMultiplicativeWeights, LossForm::kPointwise,
       1.0, 0.0, false, "sppo"},
      {"online-ipo", "online IPO, the π_t form: pairwise (IPO) loss onto the regularized mirror step",
       TargetRule::kRegularizedMirror, LossForm::kPairwise, 1.0, 0.05, true, "online-ipo"},
      {"ipo-md", "online IPO, the mixture form (IPO-MD): pairwise loss onto the Nash-MD step",
       TargetRule::kNashMirror, LossForm::kPairwise, 1.0, 0.05, true, "nash-md"},
      {"inpo", "INPO: pointwise regression onto the regularized mirror step", TargetRule::kRegularizedMirror,
       LossForm::kPointwise, 1.0, 0.05, true, "online-ipo"},
      {"nash-md", "Nash-MD: regression onto the mirror step from the geometric mixture of π_t and π_ref",
       TargetRule::kNashMirror, LossForm::kPointwise, 1.0, 0.05, true, "nash-md"},
      {"nash-md-pg", "Nash-MD-PG: policy gradient of P(y≻μ_t) − β·KL(π_θ‖π_ref), y ~ π_t, mean baseline",
       TargetRule::kNashMirror, LossForm::kPolicyGradient, 1.0, 0.05, true, ""},
      {"mmd", "magnetic mirror descent: regression onto the MMD step", TargetRule::kMagneticMirror,
       LossForm::kPointwise, 1.0, 0.05, true, "mmd"},
      {"egpo", "extragradient: half step, re-evaluate, step from the saved parameters", TargetRule::kExtragradient,
       LossForm::kPointwise, 1.0, 0.0, true, "egpo"},
  };
  return methods;
}

const NeuralMethod& FindNeuralMethod(const std::string& name) {
  std::string names;
  for (const NeuralMethod& method : NeuralMethods()) {
    if (method.name == name) return method;
    names += (names.empty() ? "" : ", ") + method.name;
  }
  throw InvalidArgument(fmt::format("unknown training algorithm '{}': expected one of {}", name, names));
}

}  // namespace nlhf::neural
