#include "neural/checkpoint.h"

#include <fmt/format.h>

#include <c10/util/hash.h>

#include <filesystem>
#include <sstream>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"

namespace nlhf::neural::internal {
namespace {

constexpr const char* kCheckpointFile = "checkpoint.pt";
constexpr int kTraceColumns = 8;
constexpr const char* kFormat = "nlhf-checkpoint-2";  // a SHA-1-sealed archive (version 1 had no checksum)

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

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

  // The archive goes in as one byte tensor beside its SHA-1, so that any change to any tensor after
  // writing (an edited parameter, a flipped bit) is refused on resume instead of silently continuing
  // from different numbers. c10::sha1 is LibTorch's own.
  std::ostringstream payload_stream;
  archive.save_to(payload_stream);
  std::string payload = payload_stream.str();
  torch::serialize::OutputArchive sealed;
  sealed.write("format", c10::IValue(std::string(kFormat)));
  sealed.write("sha1", c10::IValue(c10::sha1(payload).str()));
  sealed.write("payload", torch::from_blob(payload.data(), {static_cast<int64_t>(payload.size())}, torch::kUInt8));
  std::ostringstream sealed_stream;
  sealed.save_to(sealed_stream);
  WriteFileAtomically((std::filesystem::path(directory) / kCheckpointFile).string(), sealed_stream.str());
}

namespace {

CheckpointState ReadSealedCheckpoint(const std::string& path, const std::string& directory,
                                     const nlohmann::json& fingerprint, const torch::Device& device,
                                     torch::nn::Module& network, torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive sealed;
  sealed.load_from(path, torch::kCPU);
  c10::IValue format, checksum;
  torch::Tensor payload;
  if (!sealed.try_read("format", format) || !format.isString() || format.toStringRef() != kFormat) {
    throw ParseError(fmt::format("{}: not an nlhf checkpoint of this version (expected format {}); start the "
                                 "run again without --resume", path, kFormat));
  }
  sealed.read("sha1", checksum);
  sealed.read("payload", payload);
  payload = payload.contiguous();
  const std::string bytes(static_cast<const char*>(payload.data_ptr()), static_cast<size_t>(payload.numel()));
  if (payload.scalar_type() != torch::kUInt8 || c10::sha1(bytes).str() != checksum.toStringRef()) {
    throw ParseError(fmt::format("{}: the checksum does not match its contents: the checkpoint was changed or "
                                 "damaged after nlhf wrote it; refusing to resume from it", path));
  }
  torch::serialize::InputArchive archive;
  archive.load_from(bytes.data(), bytes.size(), device);
  CheckpointState state;
  c10::IValue saved_fingerprint;
  archive.read("fingerprint", saved_fingerprint);
  state.fingerprint = nlohmann::json::parse(saved_fingerprint.toStringRef());
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

}  // namespace

CheckpointState ReadCheckpoint(const std::string& directory, const nlohmann::json& fingerprint,
                               const torch::Device& device, torch::nn::Module& network,
                               torch::optim::Optimizer& optimizer) {
  const std::filesystem::path path = std::filesystem::path(directory) / kCheckpointFile;
  if (!std::filesystem::exists(path)) {
    throw InvalidArgument(fmt::format("--resume {}: no {} there", directory, kCheckpointFile));
  }
  try {
    return ReadSealedCheckpoint(path.string(), directory, fingerprint, device, network, optimizer);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {  // c10::Error from LibTorch (a damaged archive), JSON errors
    throw ParseError(fmt::format("{}: not a readable nlhf checkpoint ({})", path.string(), FirstLine(error.what())));
  }
}


}  // namespace nlhf::neural::internal
