// The reference training step: LibTorch's forward pass, autograd backward pass and optimizer, for every
// policy, optimizer, feedback and device. The losses are those of methods.h; neural_test checks that the
// fused backend takes the same steps.
#ifndef NLHF_SRC_NEURAL_AUTOGRAD_BACKEND_H_
#define NLHF_SRC_NEURAL_AUTOGRAD_BACKEND_H_

#include <limits>
#include <vector>

#include "neural/train_backend.h"

namespace nlhf::neural::internal {

class AutogradBackend final : public TrainBackend {
 public:
  // `optimizer` updates the problem's network and outlives this.
  AutogradBackend(const TrainProblem& problem, torch::optim::Optimizer& optimizer);

  void Evaluate() override;
  RowMatrix LogPolicy() const override;
  RowMatrix Payoffs() const override;
  bool PolicyFinite() const override;
  void Step() override;
  double Loss() const override;
  torch::Tensor PreviousPayoffs() const override { return previous_payoff_; }
  void Restore(const torch::Tensor& previous_payoffs, double loss) override;
  void WriteBack() override {}  // the network is the state

 private:
  torch::Tensor FeedbackAt(const torch::Tensor& policy, bool policy_is_current);
  torch::Tensor Pull() const;
  torch::Tensor Mixture() const;
  torch::Tensor Target();
  torch::Tensor PolicyGradientWeights();
  // On-policy feedback: K responses per context drawn from π_t (C × K indices, kept in `responses`) and
  // the method's target at them.
  torch::Tensor OnPolicyTarget(torch::Tensor& responses);
  // The method's regression loss at log π_θ = `log_policy` onto `target`, over every response or, with
  // on-policy feedback, over the drawn `responses` (averaged over the K).
  torch::Tensor Loss(const torch::Tensor& log_policy, const torch::Tensor& target, const torch::Tensor& responses) const;
  torch::Tensor ExtragradientLoss(const torch::Tensor& half_step_loss);
  // The network's logits of this backend's contexts, and their gradients summed over a data-parallel run.
  torch::Tensor Logits();
  void SumGradients();

  TrainProblem problem_;
  torch::optim::Optimizer& optimizer_;
  std::vector<Eigen::MatrixXd> payoff_matrices_;  // A per context, for Payoffs()
  torch::Tensor log_reference_;                   // log π_ref, C × n (the same row for every context)
  // From Evaluate(): log π_θ (with its graph), log π_t and π_t (detached), and A·π_t with exact feedback.
  torch::Tensor log_policy_, log_pi_t_, pi_t_, exact_payoff_;
  // OMWU's memory of π_{t−1}: g_{t−1} (exact or estimated), or with on-policy feedback the C × K responses
  // drawn from π_{t−1}, against which the new responses' g_{t−1} is estimated.
  torch::Tensor previous_payoff_;
  torch::Tensor last_loss_;        // read only when recorded
  double restored_loss_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_AUTOGRAD_BACKEND_H_
