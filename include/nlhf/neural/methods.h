// The methods as training losses: each is one optimizer step per iteration on a loss whose exact
// minimizer is the method's tabular update (the derivations are in docs/neural.md).
//
// Regression losses: with δ_θ = log π_θ − log π_t (π_t the policy before the step, held fixed) and a
// per-method target T_t, the residual r = δ_θ − T_t is driven to a constant vector (the normalizer):
//   pointwise  L = ½ Σ_y (r_y − mean r)²
//   pairwise   L = (1/4n) Σ_{y,y′} (r_y − r_y′)²        (the IPO form: log-ratio differences of pairs)
// Both vanish exactly at log π_θ = log π_t + T_t − log Z, the tabular update, and one plain SGD step
// with learning rate 1 on tabular logits lands on it exactly (∇_logits L = −C·T_t at θ_t, C = I − 11ᵀ/n).
// So the learning rate multiplies η: a tabular policy trained with (lr, η) follows the tabular method
// with step lr·η.
#ifndef NLHF_NEURAL_METHODS_H_
#define NLHF_NEURAL_METHODS_H_

#include <string>
#include <vector>

namespace nlhf::neural {

// Which tabular update the target encodes (g_t = Aπ_t, or its estimate from sampled comparisons).
enum class TargetRule {
  kMultiplicativeWeights,  // T = η g_t                                     (MWU, SPPO)
  kOptimistic,             // T = η (2 g_t − g_{t−1})                       (OMWU)
  kRegularizedMirror,      // T = η g_t − ηβ (log π_t − log π_ref)          (online IPO, INPO)
  kNashMirror,             // T = η A μ_t − ηβ (log π_t − log π_ref), μ_t ∝ π_t^{1−ηβ} π_ref^{ηβ}
  kMagneticMirror,         // T = (η g_t − ηβ (log π_t − log π_ref)) / (1 + ηβ)   (MMD)
  kExtragradient,          // half step with T(π_t), then from θ_t with T(π_{t+½})  (EGPO)
};

enum class LossForm {
  kPointwise,       // ½ Σ_y (r_y − mean r)²
  kPairwise,        // (1/4n) Σ_{y,y′} (r_y − r_y′)²
  kPolicyGradient,  // −Σ_y w_y log π_θ(y), w = η π_t ⊙ (h − ⟨π_t, h⟩): REINFORCE with a mean baseline
};

struct NeuralMethod {
  std::string name;
  std::string summary;
  TargetRule rule;
  LossForm form;
  double default_step_size;  // η
  double default_beta;       // β; 0 and not settable for unregularized methods
  bool regularized;          // takes β (and reports the regularized gap)
  // The `nlhf solve` algorithm whose update one SGD step (lr = 1) on tabular logits reproduces, or ""
  // (nash-md-pg: its step is a softmax policy-gradient step, not a mirror step).
  std::string tabular_counterpart;
};

const std::vector<NeuralMethod>& NeuralMethods();
// Throws InvalidArgument listing the known names.
const NeuralMethod& FindNeuralMethod(const std::string& name);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_METHODS_H_
