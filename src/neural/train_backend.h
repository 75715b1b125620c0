// How one training step is computed, behind one interface, so that the loop (trainer.cc), checkpoints
// and the certificate are written once: AutogradBackend (LibTorch's forward, autograd and optimizer: every
// policy, optimizer, feedback and device) and FusedTrainer (the whole iteration hand-derived in Eigen on
// the CPU). A new backend (a transformer policy's, a GPU kernel's) implements these calls.
#ifndef NLHF_SRC_NEURAL_TRAIN_BACKEND_H_
#define NLHF_SRC_NEURAL_TRAIN_BACKEND_H_

#include <Eigen/Dense>
#include <torch/torch.h>

#include "nlhf/neural/methods.h"
#include "nlhf/neural/policy_network.h"
#include "nlhf/neural/preference_oracle.h"

namespace nlhf::neural::internal {

class ContextGroup;  // context_group.h

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// What every backend trains: the method with its resolved step size and regularization, the games, the
// network and the feedback. The references outlive the backend.
struct TrainProblem {
  const NeuralMethod& method;
  double step_size;      // η
  double beta;           // β (0 for unregularized methods)
  const Eigen::RowVectorXd& log_reference;  // log π_ref over the n responses, shared by every context
  double learning_rate;
  double loss_scale;     // 1 / contexts per parameter: each context's loss counts once
  const torch::Tensor& payoff;  // C × n × n, on the run's device (data-parallel: this rank's share of the contexts)
  PolicyNetwork& network;
  PreferenceOracle& oracle;
  bool sampled_feedback;
  // Sampled feedback on sequence games: the regression methods' targets at K = oracle.samples() responses
  // per prompt drawn from π_t, their payoffs estimated from comparisons among them (on_policy_feedback.h).
  bool on_policy = false;
  // Optimizer steps per iteration on the same target (regression losses): 1 is the method's one step;
  // more fit the target's minimizer, the tabular update, more closely.
  int fit_steps = 1;
  // Data-parallel training: the network's rows of contexts [first_context, first_context + C) are this
  // rank's, and `group` sums every gradient over the ranks before a step (null: one process).
  std::int64_t first_context = 0;
  ContextGroup* group = nullptr;
};

class TrainBackend {
 public:
  virtual ~TrainBackend() = default;
  // π_t of the current parameters, and what the next Step needs of it.
  virtual void Evaluate() = 0;
  // From the last Evaluate: log π_t and its exact payoffs A·π_t, one row per context, in Eigen (the
  // certificate is computed there: LibTorch's BLAS may round differently from run to run).
  virtual RowMatrix LogPolicy() const = 0;
  virtual RowMatrix Payoffs() const = 0;
  virtual bool PolicyFinite() const = 0;
  // One optimizer step from the last Evaluate.
  virtual void Step() = 0;
  // The last step's loss at the parameters it started from (NaN before the first).
  virtual double Loss() const = 0;

  // What a checkpoint keeps beyond the network and the optimizer: OMWU's memory of π_{t−1} (g_{t−1}, or
  // with on-policy feedback the responses drawn from π_{t−1}; undefined tensor: none yet) and the last loss. WriteBack leaves the current parameters in the network.
  virtual torch::Tensor PreviousPayoffs() const = 0;
  virtual void Restore(const torch::Tensor& previous_payoffs, double loss) = 0;
  virtual void WriteBack() = 0;
};

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_TRAIN_BACKEND_H_
