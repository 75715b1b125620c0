#include "neural/checkpoint.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "nlhf/error.h"

namespace nlhf::neural::internal {
namespace {

constexpr const char* kCheckpointFile = "checkpoint.pt";
constexpr int kTraceColumns = 8;

torch::Tensor TraceToTensor(const std::vector<TrainRecord>& trace) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(trace.size()), kTraceColumns}, torch::kFloat64);
  auto rows = t.accessor<double, 2>();
  for (size_t i = 0; i < trace.size(); ++i) {
    const TrainRecord& r = trace[i];
    const double row[kTraceColumns] = {static_cast<double>(r.iteration), r.mean_gap, r.max_gap,
                                       r.mean_regularized_gap, r.max_regularized_gap, r.loss,
                                       static_cast<double>(r.queries), r.min_log_probability};
    for (int j = 0; j < kTraceColumns; ++j) rows[static_cast<int64_t>(i)][j] = row[j];
  }
  return t;
}

std::vector<TrainRecord> TensorToTrace(const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.cpu().contiguous();
  const auto rows = t.accessor<double, 2>();
  std::vector<TrainRecord> trace;
  for (int64_t i = 0; i < t.size(0); ++i) {
    trace.push_back({.iteration = static_cast<std::int64_t>(rows[i][0]),
                     .mean_gap = rows[i][1],
                     .max_gap = rows[i][2],
                     .mean_regularized_gap = rows[i][3],
                     .max_regularized_gap = rows[i][4],
                     .loss = rows[i][5],
                     .queries = static_cast<std::int64_t>(rows[i][6]),
                     .min_log_probability = rows[i][7]});
  }
  return trace;
}

}  // namespace

void WriteCheckpoint(const std::string& directory, const CheckpointState& state, const torch::nn::Module& network,
                     const torch::optim::Optimizer& optimizer) {
  std::filesystem::create_directories(directory);
  torch::serialize::OutputArchive archive, network_archive, optimizer_archive;
  archive.write("fingerprint", c10::IValue(state.fingerprint.dump()));
  archive.write("iteration", torch::tensor(state.iteration, torch::kLong));
  archive.write("queries", torch::tensor(state.queries, torch::kLong));
  network.save(network_archive);
  optimizer.save(optimizer_archive);
  archive.write("network", network_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("has_previous_payoff", torch::tensor(state.previous_payoff.defined()));
  if (state.previous_payoff.defined()) archive.write("previous_payoff", state.previous_payoff.cpu());
  archive.write("loss", torch::tensor(state.loss, torch::kFloat64));
  archive.write("rng", state.rng);
  archive.write("trace", TraceToTensor(state.trace));
  const std::filesystem::path path = std::filesystem::path(directory) / kCheckpointFile;
  const std::filesystem::path temporary = path.string() + fmt::format(".tmp{}", ::getpid());
  archive.save_to(temporary.string());
  std::filesystem::rename(temporary, path);
}

CheckpointState ReadCheckpoint(const std::string& directory, const nlohmann::json& fingerprint,
                               const torch::Device& device, torch::nn::Module& network,
                               torch::optim::Optimizer& optimizer) {
  const std::filesystem::path path = std::filesystem::path(directory) / kCheckpointFile;
  if (!std::filesystem::exists(path)) {
    throw InvalidArgument(fmt::format("--resume {}: no {} there", directory, kCheckpointFile));
  }
  torch::serialize::InputArchive archive;
  CheckpointState state;
  try {
    archive.load_from(path.string(), device);
    c10::IValue saved_fingerprint;
    archive.read("fingerprint", saved_fingerprint);
    state.fingerprint = nlohmann::json::parse(saved_fingerprint.toStringRef());
  } catch (const std::exception&) {  // c10::Error from LibTorch, or JSON errors
    throw ParseError(fmt::format("{}: not a readable nlhf checkpoint", path.string()));
  }
  for (const auto& [key, value] : fingerprint.items()) {
    if (!state.fingerprint.contains(key) || state.fingerprint[key] != value) {
      throw InvalidArgument(fmt::format("--resume {}: the checkpoint was made with {} = {}, this run has {}; resume "
                                        "with the same settings (only --iters and the outputs may change)",
                                        directory, key,
                                        state.fingerprint.contains(key) ? state.fingerprint[key].dump() : "nothing",
                                        value.dump()));
    }
  }
  // A fresh tensor per key: InputArchive::read into a defined tensor keeps that tensor's dtype.
  const auto read = [&archive](const char* key) {
    torch::Tensor t;
    archive.read(key, t);
    return t;
  };
  state.iteration = read("iteration").item<int64_t>();
  state.queries = read("queries").item<int64_t>();
  torch::serialize::InputArchive network_archive, optimizer_archive;
  archive.read("network", network_archive);
  archive.read("optimizer", optimizer_archive);
  network.load(network_archive);
  optimizer.load(optimizer_archive);
  if (read("has_previous_payoff").item<bool>()) state.previous_payoff = read("previous_payoff").to(device);
  state.loss = read("loss").item<double>();
  state.rng = read("rng").cpu();
  state.trace = TensorToTrace(read("trace"));
  return state;
}

}  // namespace nlhf::neural::internal
