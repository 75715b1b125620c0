// The fused CPU path of training: the whole iteration (forward, payoffs, target, hand-derived backward
// pass, SGD step) for tabular logits and the per-context EGPO MLP in Eigen, with no LibTorch dispatch
// but the sampled oracle's draws (the same generator and calls as the autograd path). Why it exists: at the EGPO size (10-10-10-100) one iteration is ~40 small tensor operations,
// and LibTorch's per-operation dispatch and autograd bookkeeping, not arithmetic, set its cost (docs/benchmarks.md:
// 107 µs in C++ vs 159 µs from Python). The autograd path in trainer.cc stays the reference and serves
// everything else (contextual policy, Adam, CUDA); neural_test checks the two agree for every method and
// both policies.
#ifndef NLHF_SRC_NEURAL_FUSED_TRAINER_H_
#define NLHF_SRC_NEURAL_FUSED_TRAINER_H_

#include <Eigen/Dense>
#include <torch/torch.h>

#include <limits>
#include <vector>

#include "neural/train_backend.h"

namespace nlhf::neural::internal {

class FusedTrainer final : public TrainBackend {
 public:
  // Copies the payoffs and the network's parameters (a TabularPolicy or an EgpoMlpPolicy on the CPU),
  // which stay here until WriteBack.
  explicit FusedTrainer(const TrainProblem& problem);

  // The policy of the current parameters and its exact payoffs A·π, one row per context.
  void Evaluate() override;
  RowMatrix LogPolicy() const override { return log_policy_; }
  RowMatrix Payoffs() const override { return payoffs_; }
  bool PolicyFinite() const override { return log_policy_.allFinite(); }
  // One step of every context from the last Evaluate(); Loss() is then the loss at the starting parameters.
  void Step() override;
  double Loss() const override { return loss_; }

  torch::Tensor PreviousPayoffs() const override;
  void Restore(const torch::Tensor& previous_payoffs, double loss) override;
  // Copies the parameters back into the network (before it is saved).
  void WriteBack() override;

 private:
  struct Parameters {
    Eigen::RowVectorXd logits;  // tabular only
    Eigen::RowVectorXd input;   // the MLP's learned input
    std::vector<RowMatrix> weights;  // fan_in × fan_out, as LibTorch stores them
    std::vector<Eigen::RowVectorXd> biases;
  };
  struct Activations {
    std::vector<Eigen::RowVectorXd> inputs;           // x_l, the input of layer l
    std::vector<Eigen::RowVectorXd> pre_activations;  // a_l = x_l W_l + b_l
  };

  Eigen::RowVectorXd Forward(const Parameters& p, Activations* activations) const;
  // d loss / d parameters for d loss / d logits at the activations of Forward().
  Parameters Gradient(const Parameters& p, const Activations& activations, const Eigen::RowVectorXd& logit_gradient) const;
  static void AddScaled(Parameters& p, const Parameters& gradient, double factor);
  Eigen::RowVectorXd PayoffsOf(int context, const Eigen::RowVectorXd& policy) const;
  Eigen::RowVectorXd RegressionGradient(const Eigen::RowVectorXd& target, double* loss) const;
  // A·q for every context's row q: exact, or the oracle's estimate.
  RowMatrix Feedback(const RowMatrix& opponent);
  // μ_t ∝ π_t^{1−ηβ} π_ref^{ηβ}, one row per context.
  RowMatrix Mixtures() const;
  // Nash-MD-PG's weights from the policies of the last Evaluate(), pull = β log(π_t/π_ref) and μ_t.
  RowMatrix PolicyGradientWeights(const RowMatrix& pull, const RowMatrix& mixtures);

  const NeuralMethod& method_;
  PolicyNetwork& network_;
  double eta_, beta_, learning_rate_, loss_scale_;
  double loss_ = std::numeric_limits<double>::quiet_NaN();
  bool tabular_;
  int n_;
  std::vector<Eigen::MatrixXd> payoff_;  // A per context
  std::vector<Parameters> parameters_;
  std::vector<Activations> activations_;
  // From Evaluate(): log π_t, π_t and the exact payoffs A·π_t; previous_payoffs_: OMWU's g_{t−1} as fed.
  RowMatrix log_policy_, policy_, payoffs_, previous_payoffs_;
  bool has_previous_ = false;
  Eigen::RowVectorXd log_reference_;  // log π_ref, the same for every context
  PreferenceOracle* oracle_;  // nullptr: exact feedback
};

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_FUSED_TRAINER_H_
