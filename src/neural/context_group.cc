#include "neural/context_group.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <exception>

#include "nlhf/error.h"

#ifdef NLHF_WITH_C10D
// Debian's LibTorch is built with Gloo (libtorch_cpu exports ProcessGroupGloo) but its CMake package does
// not pass the definition its header is guarded by.
#define USE_C10D_GLOO 1
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace nlhf::neural::internal {

ContextShare ShareOfContexts(std::int64_t total, int rank, int world_size) {
  const std::int64_t first = total * rank / world_size;
  return {first, total * (rank + 1) / world_size - first};
}

#ifdef NLHF_WITH_C10D

namespace {

struct Endpoint {
  std::string host;
  std::uint16_t port;
};

// "host:port" (checked by DataParallelOptions::Validate).
Endpoint ParseMaster(const std::string& master) {
  const size_t colon = master.rfind(':');
  return {master.substr(0, colon), static_cast<std::uint16_t>(std::stoi(master.substr(colon + 1)))};
}

bool IsLoopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0; }

// The network interface Gloo's pairs connect over: GLOO_SOCKET_IFNAME where set (as in PyTorch), the
// loopback interface when the master is on it (every rank on this machine), else the interface this
// machine's name resolves to.
std::shared_ptr<::gloo::transport::Device> GlooDevice(const std::string& master_host) {
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface != nullptr && *interface != '\0') {
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  }
  if (IsLoopback(master_host)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

struct ContextGroup::Engine {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ContextGroup::ContextGroup(const DataParallelOptions& options, std::int64_t contexts)
    : rank_(options.rank), size_(options.world_size), engine_(std::make_unique<Engine>()) {
  for (int r = 0; r < size_; ++r) shares_.push_back(ShareOfContexts(contexts, r, size_));
  const Endpoint master = ParseMaster(options.master);
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options.timeout_seconds * 1000));
  try {
    c10d::TCPStoreOptions store;
    store.port = master.port;
    store.isServer = rank_ == 0 && !options.agent_store;
    store.numWorkers = static_cast<size_t>(size_);
    store.waitWorkers = true;
    store.timeout = timeout;
    engine_->store = c10::make_intrusive<c10d::TCPStore>(master.host, store);
    if (options.agent_store) engine_->store = c10::make_intrusive<c10d::PrefixStore>("/worker", engine_->store);
    auto group = c10d::ProcessGroupGloo::Options::create(timeout);
    group->devices.push_back(GlooDevice(master.host));
    engine_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(engine_->store, rank_, size_, group);
  } catch (const std::exception& error) {
    const std::string what =
        dynamic_cast<const c10::Error*>(&error) ? static_cast<const c10::Error&>(error).what_without_backtrace() : error.what();
    throw Error(fmt::format("data-parallel rank {} of {}: the rendezvous at {} did not complete within {:g} s ({}): "
                            "start every rank with the same --world-size and --master, rank 0 on that host",
                            rank_, size_, options.master, options.timeout_seconds, what));
  }
}

ContextGroup::~ContextGroup() = default;

namespace {

// Waits for a collective; a peer that stopped (its process ended, its connection closed) surfaces here.
void Await(const c10::intrusive_ptr<c10d::Work>& work, int rank, const char* what) {
  try {
    work->wait();
  } catch (const std::exception& error) {
    const std::string message =
        dynamic_cast<const c10::Error*>(&error) ? static_cast<const c10::Error&>(error).what_without_backtrace() : error.what();
    throw Error(fmt::format("data-parallel rank {}: the {} across ranks failed (did another rank stop?): {}", rank, what,
                            message));
  }
}

}  // namespace

void ContextGroup::SumGradients(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> gradients;
  for (const torch::Tensor& p : parameters) {
    gradients.push_back(p.grad().defined() ? p.grad().reshape({-1}) : torch::zeros({p.numel()}, p.options()));
  }
  std::vector<torch::Tensor> flat{torch::cat(gradients).to(torch::kCPU).contiguous()};
  Await(engine_->group->allreduce(flat), rank_, "sum of the gradients");
  std::int64_t offset = 0;
  for (const torch::Tensor& p : parameters) {
    torch::Tensor summed = flat[0].narrow(0, offset, p.numel()).view(p.sizes()).to(p.device());
    if (p.grad().defined()) {
      p.mutable_grad().copy_(summed);
    } else {
      p.mutable_grad() = summed.clone();
    }
    offset += p.numel();
  }
}

double ContextGroup::Sum(double value) {
  std::vector<torch::Tensor> tensor{torch::full({1}, value, torch::kFloat64)};
  Await(engine_->group->allreduce(tensor), rank_, "sum of the losses");
  return tensor[0].item<double>();
}

bool ContextGroup::AllTrue(bool value) {
  std::vector<torch::Tensor> tensor{torch::full({1}, value ? 1.0 : 0.0, torch::kFloat64)};
  c10d::AllreduceOptions minimum;
  minimum.reduceOp = c10d::ReduceOp::MIN;
  Await(engine_->group->allreduce(tensor, minimum), rank_, "agreement");
  return tensor[0].item<double>() == 1.0;
}

bool ContextGroup::AllEqual(std::int64_t value) {
  std::vector<torch::Tensor> least{torch::full({1}, value, torch::kInt64)}, most{torch::full({1}, value, torch::kInt64)};
  c10d::AllreduceOptions minimum, maximum;
  minimum.reduceOp = c10d::ReduceOp::MIN;
  maximum.reduceOp = c10d::ReduceOp::MAX;
  Await(engine_->group->allreduce(least, minimum), rank_, "comparison of the settings");
  Await(engine_->group->allreduce(most, maximum), rank_, "comparison of the settings");
  return least[0].item<std::int64_t>() == most[0].item<std::int64_t>();
}

torch::Tensor ContextGroup::GatherRows(const torch::Tensor& local) {
  // Gloo's all-gather takes equal pieces: each share is padded to the largest one's rows.
  std::int64_t most = 0;
  for (const ContextShare& s : shares_) most = std::max(most, s.count);
  const std::int64_t columns = local.size(1);
  torch::Tensor padded = torch::zeros({most, columns}, torch::kFloat64);
  padded.narrow(0, 0, local.size(0)).copy_(local.to(torch::kCPU, torch::kFloat64));
  std::vector<std::vector<torch::Tensor>> pieces(1);
  for (int r = 0; r < size_; ++r) pieces[0].push_back(torch::empty({most, columns}, torch::kFloat64));
  std::vector<torch::Tensor> input{padded};
  Await(engine_->group->allgather(pieces, input), rank_, "gathering of every context's rows");
  std::vector<torch::Tensor> rows;
  for (int r = 0; r < size_; ++r) rows.push_back(pieces[0][static_cast<size_t>(r)].narrow(0, 0, shares_[static_cast<size_t>(r)].count));
  return torch::cat(rows).contiguous();
}

RowMatrix ContextGroup::GatherRows(const RowMatrix& local) {
  const torch::Tensor whole = GatherRows(
      torch::from_blob(const_cast<double*>(local.data()), {local.rows(), local.cols()}, torch::kFloat64));
  return Eigen::Map<const RowMatrix>(whole.data_ptr<double>(), whole.size(0), whole.size(1));
}

#else  // NLHF_WITH_C10D

struct ContextGroup::Engine {};

ContextGroup::ContextGroup(const DataParallelOptions& options, std::int64_t)
    : rank_(options.rank), size_(options.world_size) {
  throw Unavailable(
      "data-parallel training needs LibTorch's c10d with Gloo: this build has none (install libgloo-dev, as "
      "scripts/install-deps.sh does, and rebuild)");
}
ContextGroup::~ContextGroup() = default;
void ContextGroup::SumGradients(const std::vector<torch::Tensor>&) {}
double ContextGroup::Sum(double value) { return value; }
bool ContextGroup::AllTrue(bool value) { return value; }
bool ContextGroup::AllEqual(std::int64_t) { return true; }
torch::Tensor ContextGroup::GatherRows(const torch::Tensor& local) { return local; }
RowMatrix ContextGroup::GatherRows(const RowMatrix& local) { return local; }

#endif  // NLHF_WITH_C10D

}  // namespace nlhf::neural::internal
