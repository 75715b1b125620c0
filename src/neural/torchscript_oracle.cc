#include "neural/torchscript_oracle.h"

#include <fmt/format.h>
#include <torch/script.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "nlhf/error.h"

namespace nlhf::neural::internal {
namespace {

constexpr char kExpected[] =
    "expected a module saved with torch.jit.save whose forward(first, second) takes two B x L int64 token "
    "tensors (prompt, response, end tokens) and returns B probabilities P(first > second)";

class TorchScriptOracle : public SequenceOracle {
 public:
  TorchScriptOracle(const std::string& path, const SequenceSpace& space, int prompt_length) : path_(path) {
    if (!std::ifstream(path).good()) {
      throw InvalidArgument(fmt::format("--oracle-file {}: cannot open it ({})", path, kExpected));
    }
    try {
      module_ = torch::jit::load(path);
    } catch (const c10::Error& error) {
      throw ParseError(fmt::format("{}: not a TorchScript module ({}): {}", path, kExpected,
                                   Excerpt(error.what_without_backtrace(), 200)));
    }
    module_.eval();
    const auto& schema = module_.get_method("forward").function().getSchema();
    if (schema.arguments().size() != 3) {  // self, first, second
      throw InvalidArgument(fmt::format("{}: forward takes {} argument(s); {}", path, schema.arguments().size() - 1,
                                        kExpected));
    }
    // One call on a known batch checks what a schema cannot: the output's shape, type and range.
    const torch::Tensor probe = torch::full({2, space.max_length()}, space.end_token(), torch::kInt64);
    probe[1][0] = 0;
    Probabilities(torch::zeros({prompt_length}, torch::kInt64), probe, probe.flip(0));
  }

  torch::Tensor Probabilities(const torch::Tensor& prompt, const torch::Tensor& first,
                              const torch::Tensor& second) const override {
    const std::int64_t rows = first.size(0);
    const torch::Tensor context = prompt.view({1, -1}).expand({rows, prompt.numel()});
    torch::IValue output;
    try {
      torch::NoGradGuard no_grad;
      // A TorchScript module's forward is not documented as safe to call from several threads at once.
      std::lock_guard<std::mutex> lock(mutex_);
      output = module_.forward({torch::cat({context, first}, 1), torch::cat({context, second}, 1)});
    } catch (const std::exception& error) {
      throw InvalidArgument(fmt::format("{}: forward failed on two {} x {} int64 batches ({}): {}", path_, rows,
                                        prompt.numel() + first.size(1), kExpected,
                                        Excerpt(error.what(), 300)));
    }
    if (!output.isTensor()) {
      throw InvalidArgument(fmt::format("{}: forward returned a {}, not a tensor; {}", path_, output.tagKind(), kExpected));
    }
    const torch::Tensor p = output.toTensor();
    if (p.dim() != 1 || p.size(0) != rows || !p.is_floating_point()) {
      throw InvalidArgument(fmt::format("{}: forward returned a {} tensor of shape {} for {} pairs; {}", path_,
                                        std::string(c10::toString(p.scalar_type())), fmt::format("{}", fmt::join(p.sizes(), " x ")),
                                        rows, kExpected));
    }
    const torch::Tensor d = p.to(torch::kFloat64).contiguous();
    if (!d.isfinite().all().item<bool>() || d.lt(0).any().item<bool>() || d.gt(1).any().item<bool>()) {
      throw InvalidArgument(fmt::format("{}: forward returned a value outside [0, 1] (or not finite); {}", path_, kExpected));
    }
    return d;
  }

  std::string Describe() const override { return fmt::format("torchscript({})", path_); }

 private:
  std::string path_;
  mutable torch::jit::script::Module module_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<SequenceOracle> LoadTorchScriptOracle(const std::string& path, const SequenceSpace& space,
                                                      int prompt_length) {
  return std::make_unique<TorchScriptOracle>(path, space, prompt_length);
}

}  // namespace nlhf::neural::internal
