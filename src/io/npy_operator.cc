#include "nlhf/io/npy_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "io/npy_array.h"
#include "nlhf/error.h"
#include "nlhf/io/mapped_file.h"

namespace nlhf {

OperatorGameFile ReadNpyOperatorGame(const std::string& path, Storage storage, Layout layout,
                                     const MatrixGameOptions& options) {
  const MappedFile file(path);
  return ParseNpyOperatorGame(file.bytes(), path, storage, layout, options);
}

OperatorGameFile ParseNpyOperatorGame(std::string_view bytes, const std::string& path, Storage storage, Layout layout,
                                      const MatrixGameOptions& options) {
  if (options.payoff) {
    throw InvalidArgument(fmt::format("{}: a general payoff matrix cannot be held as a skew operator: drop "
                                      "--payoff or read it densely", path));
  }
  const NpyArray array = ParseNpyArray(bytes, path);
  if (array.rows != array.columns) {
    throw InvalidArgument(fmt::format("{}: a preference matrix must be square and non-empty, this one is {}×{}", path,
                                      array.rows, array.columns));
  }
  const int n = static_cast<int>(array.rows);
  const double tolerance = SymmetryTolerance(options.symmetrize, options.symmetry_tolerance, !array.is_double);
  const MatrixSource source{.path = path};
  for (int i = 0; i < n; ++i) {
    CheckProbabilityEntry(array.At(i, i), i, i, source);
    CheckComplementaryPair(array.At(i, i), array.At(i, i), i, i, tolerance, source);
  }

  // Row i of the upper triangle needs P_ij (row i, read in order) and P_ji (column i). The columns of a
  // block of kBlock rows are gathered once, reading each later row's kBlock consecutive entries, so a
  // C-order file is read in order instead of one page per entry.
  constexpr int kBlock = 64;
  std::vector<double> columns;  // columns[(j − first)·kBlock + (i − first)] = P_ji for the block's rows i
  int first = -kBlock;
  double projection_change = 0;
  const auto entry = [&](int i, int j) {
    if (i >= first + kBlock) {
      first = i - i % kBlock;
      const int width = std::min(kBlock, n - first);
      columns.assign(static_cast<std::size_t>(n - first) * kBlock, 0.0);
      for (int row = first; row < n; ++row) {
        for (int k = 0; k < width; ++k) columns[static_cast<std::size_t>(row - first) * kBlock + k] = array.At(row, first + k);
      }
    }
    const double p_ij = array.At(i, j);
    const double p_ji = columns[static_cast<std::size_t>(j - first) * kBlock + (i - first)];
    CheckProbabilityEntry(p_ij, i, j, source);
    CheckProbabilityEntry(p_ji, j, i, source);
    CheckComplementaryPair(p_ij, p_ji, i, j, tolerance, source);
    projection_change = std::max(projection_change, std::abs(p_ij + p_ji - 1.0) / 2);
    return (p_ij - p_ji) / 2;
  };
  auto payoff = std::make_shared<const SkewOperator>(SkewOperator::FromUpperTriangle(n, storage, layout, entry));
  return {.game = ZeroSumGame::FromSkewOperator(std::move(payoff)),
          .projection_change = projection_change,
          .single_precision = !array.is_double};
}

}  // namespace nlhf
