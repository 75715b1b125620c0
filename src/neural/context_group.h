// The processes of a data-parallel training run (trainer.h, DataParallelOptions) over LibTorch's own
// distributed engine: c10d's TCP store for the rendezvous and its Gloo process group for the collectives.
// Each process owns a contiguous share of the contexts; what the training loop needs of the others is here:
// the sum of the gradients, of the losses, an agreement, and every context's rows gathered in order.
#ifndef NLHF_SRC_NEURAL_CONTEXT_GROUP_H_
#define NLHF_SRC_NEURAL_CONTEXT_GROUP_H_

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "neural/train_backend.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::neural::internal {

// Contexts [first, first + count) of a run's `total`.
struct ContextShare {
  std::int64_t first = 0;
  std::int64_t count = 0;
};

// Rank r of K takes contexts [⌊rC/K⌋, ⌊(r+1)C/K⌋): shares differ by at most one context.
ContextShare ShareOfContexts(std::int64_t total, int rank, int world_size);

class ContextGroup {
 public:
  // Joins the rendezvous at options.master (rank 0 serves it) and builds the Gloo group; throws Error
  // naming the master when the peers do not all arrive within the timeout, Unavailable in a build
  // without c10d.
  ContextGroup(const DataParallelOptions& options, std::int64_t contexts);
  ~ContextGroup();
  ContextGroup(const ContextGroup&) = delete;
  ContextGroup& operator=(const ContextGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  const ContextShare& share() const { return shares_[static_cast<size_t>(rank_)]; }

  // Every parameter's gradient replaced by its sum over the ranks (one flattened all-reduce; a missing
  // gradient counts as zeros).
  void SumGradients(const std::vector<torch::Tensor>& parameters);
  double Sum(double value);
  // True on every rank when `value` is true on every rank.
  bool AllTrue(bool value);
  // True on every rank when every rank holds the same `value`.
  bool AllEqual(std::int64_t value);
  // Every rank's rows (its share's, in context order) stacked into the whole run's, on every rank.
  RowMatrix GatherRows(const RowMatrix& local);
  torch::Tensor GatherRows(const torch::Tensor& local);  // float64, share × m → contexts × m on the CPU

 private:
  struct Engine;
  int rank_, size_;
  std::vector<ContextShare> shares_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_CONTEXT_GROUP_H_
