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

namespace {
constexpr int kBlock = 64;
}  // namespace

struct NpySkewEntries::Array {
  NpyArray array;
};

NpySkewEntries::NpySkewEntries(std::string_view bytes, const std::string& path, const MatrixGameOptions& options)
    : array_(std::make_unique<Array>(Array{ParseNpyArray(bytes, path)})), source_{.path = path} {
  if (options.payoff) {
    throw InvalidArgument(fmt::format("{}: a general payoff matrix cannot be held as a skew operator: drop "
                                      "--payoff or read it densely", path));
  }
  const NpyArray& array = array_->array;
  if (array.rows != array.columns) {
    throw InvalidArgument(fmt::format("{}: a preference matrix must be square and non-empty, this one is {}×{}", path,
                                      array.rows, array.columns));
  }
  n_ = static_cast<int>(array.rows);
  single_precision_ = !array.is_double;
  tolerance_ = SymmetryTolerance(options.symmetrize, options.symmetry_tolerance, single_precision_);
  for (int i = 0; i < n_; ++i) {
    CheckProbabilityEntry(array.At(i, i), i, i, source_);
    CheckComplementaryPair(array.At(i, i), array.At(i, i), i, i, tolerance_, source_);
  }
}

NpySkewEntries::~NpySkewEntries() = default;

double NpySkewEntries::operator()(int i, int j) {
  const NpyArray& array = array_->array;
  if (i >= first_ + kBlock || i < first_) {
    first_ = i - i % kBlock;
    const int width = std::min(kBlock, n_ - first_);
    columns_.assign(static_cast<std::size_t>(n_ - first_) * kBlock, 0.0);
    for (int row = first_; row < n_; ++row) {
      for (int k = 0; k < width; ++k) columns_[static_cast<std::size_t>(row - first_) * kBlock + k] = array.At(row, first_ + k);
    }
  }
  const double p_ij = array.At(i, j);
  const double p_ji = columns_[static_cast<std::size_t>(j - first_) * kBlock + (i - first_)];
  CheckProbabilityEntry(p_ij, i, j, source_);
  CheckProbabilityEntry(p_ji, j, i, source_);
  CheckComplementaryPair(p_ij, p_ji, i, j, tolerance_, source_);
  projection_change_ = std::max(projection_change_, std::abs(p_ij + p_ji - 1.0) / 2);
  return (p_ij - p_ji) / 2;
}

OperatorGameFile ParseNpyOperatorGame(std::string_view bytes, const std::string& path, Storage storage, Layout layout,
                                      const MatrixGameOptions& options) {
  NpySkewEntries entries(bytes, path, options);
  auto payoff = std::make_shared<const SkewOperator>(
      SkewOperator::FromUpperTriangle(entries.n(), storage, layout, [&](int i, int j) { return entries(i, j); }));
  return {.game = ZeroSumGame::FromSkewOperator(std::move(payoff)),
          .projection_change = entries.projection_change(),
          .single_precision = entries.single_precision()};
}

}  // namespace nlhf
