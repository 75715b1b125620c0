#include "nlhf/neural/methods.h"

#include <fmt/format.h>

#include <utility>

#include "nlhf/error.h"
#include "nlhf/registry.h"
#include "nlhf/solvers/nash_md.h"

namespace nlhf::neural {

namespace {

// A method whose tabular counterpart is registered takes its default η and β from that registry entry, so
// the defaults live once; nash-md-pg, a policy gradient with no tabular twin, takes Nash-MD's parameters.
NeuralMethod Method(std::string name, std::string summary, TargetRule rule, LossForm form, bool regularized,
                    std::string tabular_counterpart, double own_step_size = 0, double own_beta = 0) {
  NeuralMethod method{std::move(name), std::move(summary), rule, form, own_step_size, own_beta, regularized,
                      std::move(tabular_counterpart)};
  if (!method.tabular_counterpart.empty()) {
    for (const ParameterSpec& spec : FindAlgorithm(method.tabular_counterpart).parameters) {
      if (spec.name == "eta") method.default_step_size = spec.default_value;
      if (spec.name == "beta") method.default_beta = spec.default_value;
    }
  }
  return method;
}

}  // namespace

const std::vector<NeuralMethod>& NeuralMethods() {
  using enum TargetRule;
  using enum LossForm;
  static const std::vector<NeuralMethod> methods = {
      Method("omwu", "optimistic MWU: regress log π_θ/π_t onto η(2·P(y≻π_t) − P(y≻π_{t−1}) − 1/2)", kOptimistic,
             kPointwise, false, "omwu"),
      Method("mwu", "MWU / OMD with entropy: regress onto η(P(y≻π_t) − 1/2)", kMultiplicativeWeights, kPointwise, false,
             "mwu"),
      Method("sppo", "SPPO: the MWU regression with SPPO's step", kMultiplicativeWeights, kPointwise, false, "sppo"),
      Method("online-ipo", "online IPO, the π_t form: pairwise (IPO) loss onto the regularized mirror step",
             kRegularizedMirror, kPairwise, true, "online-ipo"),
      Method("ipo-md", "online IPO, the mixture form (IPO-MD): pairwise loss onto the Nash-MD step", kNashMirror,
             kPairwise, true, "nash-md"),
      Method("inpo", "INPO: pointwise regression onto the regularized mirror step", kRegularizedMirror, kPointwise,
             true, "online-ipo"),
      Method("nash-md", "Nash-MD: regression onto the mirror step from the geometric mixture of π_t and π_ref",
             kNashMirror, kPointwise, true, "nash-md"),
      Method("nash-md-pg", "Nash-MD-PG: policy gradient of P(y≻μ_t) − β·KL(π_θ‖π_ref), y ~ π_t, mean baseline",
             kNashMirror, kPolicyGradient, true, "", NashMdOptions{}.step_size, NashMdOptions{}.beta),
      Method("mmd", "magnetic mirror descent: regression onto the MMD step", kMagneticMirror, kPointwise, true, "mmd"),
      Method("egpo", "extragradient: half step, re-evaluate, step from the saved parameters", kExtragradient,
             kPointwise, true, "egpo"),
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
