// A user's own preference model as a sequence oracle: a TorchScript module (torch.jit.save) loaded with
// torch::jit::load. See sequence_oracle.h for the signature it must have.
#ifndef NLHF_SRC_NEURAL_TORCHSCRIPT_ORACLE_H_
#define NLHF_SRC_NEURAL_TORCHSCRIPT_ORACLE_H_

#include <memory>
#include <string>

#include "nlhf/neural/sequence_oracle.h"

namespace nlhf::neural::internal {

// Loads `path` and calls it once on two small batches to check its signature and its output's shape
// and range; InvalidArgument or ParseError naming the file and what was expected otherwise.
std::unique_ptr<SequenceOracle> LoadTorchScriptOracle(const std::string& path, const SequenceSpace& space,
                                                      int prompt_length);

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_TORCHSCRIPT_ORACLE_H_
