// The matrix of an already parsed JSON document: for readers that need the document's other keys too
// (a batch line's "context" and "features") and so parse each line once.
#ifndef NLHF_SRC_IO_JSON_MATRIX_H_
#define NLHF_SRC_IO_JSON_MATRIX_H_

#include <nlohmann/json.hpp>
#include <string>

#include "nlhf/io/matrix_file.h"

namespace nlhf::internal {

// What ParseJsonMatrix returns for the text of `document`, with the same checks and messages.
MatrixFile JsonMatrixFromDocument(const nlohmann::json& document, const std::string& path);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_IO_JSON_MATRIX_H_
