#include "nlhf/io/matrix_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "io/npy_array.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/mapped_file.h"

namespace nlhf {
namespace {

std::string LowercaseExtension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

// What the content looks like, to catch a file whose extension lies.
const char* SniffContent(std::string_view bytes) {
  if (bytes.starts_with("\x93NUMPY")) return "NumPy .npy";
  const size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[')) return "JSON";
  return "text";
}

}  // namespace

MatrixFormat FormatFromPath(const std::string& path) {
  const std::string extension = LowercaseExtension(path);
  if (extension == ".json") return MatrixFormat::kJson;
  if (extension == ".npy") return MatrixFormat::kNpy;
  return MatrixFormat::kText;
}

namespace {

GameFile GameFromMatrixFile(MatrixFile file, const MatrixGameOptions& options) {
  MatrixGameOptions reading = options;
  reading.payoff = options.payoff || file.is_payoff;
  double projection_change = 0;
  ZeroSumGame game = GameFromMatrix(std::move(file.values), reading, file.single_precision,
                                    std::move(file.row_names), std::move(file.column_names), file.source,
                                    &projection_change);
  return {std::move(game), projection_change};
}

}  // namespace

GameFile ReadGameFile(const std::string& path, const MatrixGameOptions& options) {
  if (FormatFromPath(path) != MatrixFormat::kNpy || options.payoff) {
    return GameFromMatrixFile(ReadMatrixFile(path), options);
  }
  const MappedFile mapped(path);
  const NpyArray array = ParseNpyArray(mapped.bytes(), path);
  if (array.is_double && array.readable_in_place() && !array.fortran_order && array.rows == array.columns) {
    double projection_change = 0;
    const double tolerance = SymmetryTolerance(options.symmetrize, options.symmetry_tolerance, false);
    std::optional<ZeroSumGame> game =
        ZeroSumGame::FromPreferenceRows(reinterpret_cast<const double*>(array.data), static_cast<int>(array.rows),
                                        tolerance, {}, MatrixSource{.path = path}, &projection_change);
    if (game) return {std::move(*game), projection_change};
  }
  return GameFromMatrixFile(ParseNpyMatrix(mapped.bytes(), path), options);  // whose errors name the entry
}

MatrixFile ReadMatrixFile(const std::string& path) {
  switch (FormatFromPath(path)) {
    case MatrixFormat::kNpy:
      return ParseNpyMatrix(MappedFile(path).bytes(), path);
    case MatrixFormat::kJson:
      return ParseJsonMatrix(ReadTextFile(path), path);
    case MatrixFormat::kText: {
      const MappedFile file(path);  // a large matrix's text is read where it lies, not copied into a string
      std::string_view bytes = file.bytes();
      if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);  // a byte-order mark, as ReadTextFile
      const std::string content = SniffContent(bytes);
      if (content != "text") {
        throw ParseError(fmt::format("{}: the content looks like {}, not matrix text: give the file the "
                                     "extension {}", path, content, content == "JSON" ? ".json" : ".npy"));
      }
      return ParseTextMatrix(bytes, path);
    }
  }
  throw ParseError(fmt::format("{}: unknown matrix format", path));
}

void WriteMatrixFile(const std::string& path, const MatrixFile& matrix) {
  switch (FormatFromPath(path)) {
    case MatrixFormat::kJson:
      WriteFileAtomically(path, FormatJsonMatrix(matrix));
      return;
    case MatrixFormat::kNpy:
      WriteFileAtomically(path, FormatNpyMatrix(matrix));
      return;
    case MatrixFormat::kText:
      WriteFileAtomically(path, FormatTextMatrix(matrix));
      return;
  }
}

}  // namespace nlhf
