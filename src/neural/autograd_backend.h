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
  torch::Tensor Loss(const torch::Tensor& log_policy, const torch::Tensor& target) const;
  torch::Tensor ExtragradientLoss(const torch::Tensor& half_step_loss);

  TrainProblem problem_;
  torch::optim::Optimizer& optimizer_;
  std::vector<Eigen::MatrixXd> payoff_matrices_;  // A per context, for Payoffs()
  torch::Tensor log_reference_;                   // log π_ref, C × n (the same row for every context)
  // From Evaluate(): log π_θ (with its graph), log π_t and π_t (detached), and A·π_t with exact feedback.
  torch::Tensor log_policy_, log_pi_t_, pi_t_, exact_payoff_;
  torch::Tensor previous_payoff_;  // g_{t−1} of OMWU (exact or estimated)
  torch::Tensor last_loss_;        // read only when recorded
  double restored_loss_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_AUTOGRAD_BACKEND_H_
