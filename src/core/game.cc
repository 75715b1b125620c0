#include "nlhf/game.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/tiles.h"
#include "nlhf/error.h"
#include "nlhf/huge_pages.h"

namespace nlhf {
namespace {

std::vector<std::string> DefaultNames(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back(std::to_string(i));
  return names;
}

std::vector<std::string> CheckedNames(std::vector<std::string> names, int n, const char* what,
                                      const std::string& path) {
  if (names.empty()) return DefaultNames(n);
  if (static_cast<int>(names.size()) != n) {
    throw InvalidArgument(fmt::format("{}: {} {} names for {} actions: give one name per action",
                                      path.empty() ? "<matrix>" : path, names.size(), what, n));
  }
  // A repeated name would make the printed equilibrium ambiguous (which "gpt-4" has probability 0.3?).
  if (const auto repeat = FirstRepeatedName(names)) {
    throw InvalidArgument(fmt::format("{}: {}s {} and {} are both named '{}': give each {} its own name",
                                      path.empty() ? "<matrix>" : path, what, repeat->first + 1, repeat->second + 1,
                                      Excerpt(names[repeat->second]), what));
  }
  return names;
}

void CheckFinite(const Eigen::MatrixXd& m, const MatrixSource& source) {
  if (m.allFinite()) return;  // one pass in storage order; the row-by-row search below names the first bad entry
  for (int i = 0; i < m.rows(); ++i) {
    for (int j = 0; j < m.cols(); ++j) CheckFiniteEntry(m(i, j), i, j, source);
  }
}

// Twice the rounding of a computed (Aπ)_a, the self-play gap being 2·max(Aπ): γ_n Σ_b |A_ab| π_b <=
// 1.01·n·u·max|A| (Higham, Accuracy and Stability of Numerical Algorithms, §3.1).
double ProductRoundingBound(int n, double max_abs) {
  constexpr double kUnitRoundoff = 0x1p-53;
  return 2 * 1.01 * static_cast<double>(n) * kUnitRoundoff * max_abs;
}

// The rule every accepted pair (a diagonal entry paired with itself too) obeys: both entries probabilities,
// their sum 1 within `tolerance`. NaN fails every comparison and so breaks it. Written without branches so
// that the passes below stay straight-line code.
bool PairAccepted(double upper, double lower, double tolerance) {
  const auto probability = [](double value) { return value >= 0 && value <= 1; };
  return probability(upper) & probability(lower) & (std::abs(upper + lower - 1.0) <= tolerance);
}

// One pass over the pairs, tile by tile (core/tiles.h): whether every pair is accepted, and whether the
// matrix is already exactly complementary (then symmetrizing would change nothing). Only a matrix it refuses
// is searched entry by entry, for the message.
struct PreferenceScan {
  bool accepted = true;
  bool complementary = true;
};

PreferenceScan ScanPreferences(const Eigen::MatrixXd& p, double tolerance) {
  const Eigen::Index n = p.rows();
  const double* data = p.data();
  PreferenceScan scan;
  const auto visit = [&](double upper, double lower) {
    scan.accepted &= PairAccepted(upper, lower, tolerance);
    scan.complementary &= upper + lower == 1.0;
  };
  for (Eigen::Index i = 0; i < n; ++i) visit(data[i * n + i], data[i * n + i]);
  tiles::ForEachUpperPair(n, [&](Eigen::Index i, Eigen::Index j) { visit(data[i + j * n], data[j + i * n]); });
  return scan;
}

// The complementary projection of one pair (Symmetrize's rule): a pair that already sums to 1 in floating
// point is kept bit for bit, any other moves to 1/2 ± (P[i][j] − P[j][i])/2. Returns how far it moved.
double ProjectPair(double& upper, double& lower) {
  if (upper + lower == 1.0) return 0;
  const double half_difference = 0.5 * (upper - lower);
  const double moved = std::max(std::abs(0.5 + half_difference - upper), std::abs(0.5 - half_difference - lower));
  upper = 0.5 + half_difference;
  lower = 0.5 - half_difference;
  return moved;
}

}  // namespace

void CheckFiniteEntry(double value, int i, int j, const MatrixSource& source) {
  if (!std::isfinite(value)) {
    throw InvalidArgument(fmt::format("{}: entry {} is not finite: every entry must be a finite number",
                                      source.Describe(i, j), value));
  }
}

void CheckProbabilityEntry(double p, int i, int j, const MatrixSource& source) {
  CheckFiniteEntry(p, i, j, source);
  if (p < 0 || p > 1) {
    throw InvalidArgument(fmt::format("{}: P = {} is not a probability: preferences must lie in [0, 1]",
                                      source.Describe(i, j), p));
  }
}

void CheckComplementaryPair(double p_ij, double p_ji, int i, int j, double tolerance, const MatrixSource& source) {
  if (std::abs(p_ij + p_ji - 1.0) > tolerance) {
    throw InvalidArgument(fmt::format(
        "{}: P[{}][{}] + P[{}][{}] = {} + {} = {}, but P + Pᵀ must equal 1 (tolerance {:g}); "
        "pass --symmetrize to replace P by (P + 1 − Pᵀ)/2, or --payoff if this is a general payoff matrix",
        source.Describe(i, j), i + 1, j + 1, j + 1, i + 1, p_ij, p_ji, p_ij + p_ji, tolerance));
  }
}

std::string MatrixSource::Describe(int row, int column) const {
  const std::string file = path.empty() ? "<matrix>" : path;
  if (row < static_cast<int>(row_lines.size())) {
    return fmt::format("{}:{}: row {}, column {}", file, row_lines[row], row + 1, column + 1);
  }
  return fmt::format("{}: row {}, column {}", file, row + 1, column + 1);
}

PreferenceGame::PreferenceGame(Eigen::MatrixXd preferences, std::vector<std::string> names,
                               const PreferenceValidation& validation, const MatrixSource& source)
    : preferences_(std::move(preferences)) {
  const std::string file = source.path.empty() ? "<matrix>" : source.path;
  if (preferences_.rows() == 0 || preferences_.rows() != preferences_.cols()) {
    throw InvalidArgument(fmt::format(
        "{}: a preference matrix must be square and non-empty, this one is {}×{}", file,
        preferences_.rows(), preferences_.cols()));
  }
  if (!(validation.symmetry_tolerance >= 0)) {
    throw InvalidArgument(fmt::format("symmetry_tolerance = {}. Violated constraint: symmetry_tolerance >= 0",
                                      validation.symmetry_tolerance));
  }
  const int n = num_responses();
  const PreferenceScan scan = ScanPreferences(preferences_, validation.symmetry_tolerance);
  if (!scan.accepted) {
    // Search row by row for the first entry that breaks a rule, and name it.
    CheckFinite(preferences_, source);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) CheckProbabilityEntry(preferences_(i, j), i, j, source);
    }
    for (int i = 0; i < n; ++i) {
      for (int j = i; j < n; ++j) {
        CheckComplementaryPair(preferences_(i, j), preferences_(j, i), i, j, validation.symmetry_tolerance, source);
      }
    }
  }
  names_ = CheckedNames(std::move(names), n, "response", source.path);
  projection_change_ = scan.complementary ? 0.0 : Symmetrize(preferences_);
}

Eigen::MatrixXd PreferenceGame::Payoff() const& {
  return (preferences_.array() - 0.5).matrix();
}

Eigen::MatrixXd PreferenceGame::Payoff() && {
  Eigen::MatrixXd payoff = std::move(preferences_);
  payoff.array() -= 0.5;
  return payoff;
}

double DefaultSymmetryTolerance(bool single_precision) { return single_precision ? 1e-6 : 1e-9; }

double SymmetryTolerance(bool symmetrize, std::optional<double> given, bool single_precision) {
  if (symmetrize) return std::numeric_limits<double>::infinity();
  return given.value_or(DefaultSymmetryTolerance(single_precision));
}

double CertificateRoundingBound(const Eigen::MatrixXd& payoff) {
  if (payoff.size() == 0 || payoff.rows() != payoff.cols()) return 0;
  // For any π, max_a (Aπ)_a >= πᵀAπ = ½ πᵀ(A + Aᵀ)π >= −½ max|A + Aᵀ| (zero for an exactly skew A; the
  // rounding of P − 1/2 leaves at most an ulp of 1/2); the computed product adds its rounding.
  const Eigen::Index n = payoff.rows();
  const double* a = payoff.data();
  double asymmetry = 0;  // max |A + Aᵀ|, pair by pair and tile by tile (core/tiles.h)
  for (Eigen::Index i = 0; i < n; ++i) asymmetry = std::max(asymmetry, std::abs(2 * a[i * n + i]));
  tiles::ForEachUpperPair(n, [&](Eigen::Index i, Eigen::Index j) {
    asymmetry = std::max(asymmetry, std::abs(a[i + j * n] + a[j + i * n]));
  });
  return asymmetry + ProductRoundingBound(static_cast<int>(payoff.cols()), payoff.cwiseAbs().maxCoeff());
}

double CertificateRoundingBound(const ZeroSumGame& game) {
  if (!game.symmetric()) return 0;
  if (game.has_dense_payoff()) return CertificateRoundingBound(game.payoff());
  // An operator stores one value per pair (or a value and its exact negation): exactly skew, so only the
  // product's rounding remains.
  return ProductRoundingBound(game.num_actions(0), game.payoff_scale());
}

std::optional<std::pair<size_t, size_t>> FirstRepeatedName(const std::vector<std::string>& names) {
  std::unordered_map<std::string_view, size_t> first_use;
  for (size_t k = 0; k < names.size(); ++k) {
    const auto [it, inserted] = first_use.emplace(names[k], k);
    if (!inserted) return std::pair{it->second, k};
  }
  return std::nullopt;
}

double Symmetrize(Eigen::MatrixXd& preferences) {
  if (preferences.rows() != preferences.cols()) {
    throw InvalidArgument(fmt::format("cannot symmetrize a {}×{} matrix: it must be square",
                                      preferences.rows(), preferences.cols()));
  }
  // Pair by pair. A pair that already sums to 1 in floating point is kept bit for bit (so exactly
  // complementary inputs, the usual case, give the numbers they always gave); any other moves to
  // 1/2 ± (P[i][j] − P[j][i])/2, whose difference is exactly antisymmetric and stays within [0, 1].
  double moved = 0;
  for (Eigen::Index i = 0; i < preferences.rows(); ++i) {
    moved = std::max(moved, std::abs(preferences(i, i) - 0.5));
    preferences(i, i) = 0.5;
  }
  tiles::ForEachUpperPair(preferences.rows(), [&](Eigen::Index i, Eigen::Index j) {
    moved = std::max(moved, ProjectPair(preferences(i, j), preferences(j, i)));
  });
  return moved;
}

ZeroSumGame::ZeroSumGame(Eigen::MatrixXd payoff, bool symmetric, std::vector<std::string> row_names,
                         std::vector<std::string> column_names)
    : payoff_(std::move(payoff)),
      payoff_scale_(payoff_.size() > 0 ? payoff_.cwiseAbs().maxCoeff() : 0.0),
      symmetric_(symmetric),
      row_names_(std::move(row_names)),
      column_names_(std::move(column_names)) {}

ZeroSumGame ZeroSumGame::FromSkewOperator(std::shared_ptr<const SkewPayoffOperator> payoff,
                                          std::vector<std::string> names) {
  if (payoff == nullptr || payoff->n() < 1) throw InvalidArgument("a game needs a payoff operator with n >= 1");
  std::vector<std::string> checked = CheckedNames(std::move(names), payoff->n(), "response", "<operator>");
  ZeroSumGame game(Eigen::MatrixXd(), true, checked, checked);
  game.payoff_scale_ = payoff->MaxAbs();
  game.skew_operator_ = std::move(payoff);
  return game;
}

const Eigen::MatrixXd& ZeroSumGame::payoff() const {
  if (skew_operator_ != nullptr) {
    throw std::logic_error("ZeroSumGame::payoff(): the game is held only as its operator (" +
                           skew_operator_->Describe() + ")");
  }
  return payoff_;
}

ZeroSumGame ZeroSumGame::FromPreferences(const PreferenceGame& game) {
  return ZeroSumGame(game.Payoff(), true, game.names(), game.names());
}

ZeroSumGame ZeroSumGame::FromPreferences(PreferenceGame&& game) {
  std::vector<std::string> names = game.names();
  std::vector<std::string> column_names = names;
  return ZeroSumGame(std::move(game).Payoff(), true, std::move(names), std::move(column_names));
}

std::optional<ZeroSumGame> ZeroSumGame::FromPreferenceRows(const double* rows, int n, double tolerance,
                                                           std::vector<std::string> names,
                                                           const MatrixSource& source, double* projection_change) {
  if (n < 1 || !(tolerance >= 0)) return std::nullopt;
  const auto size = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd payoff(size, size);
  PrepareLargeArray(payoff.data(), static_cast<std::size_t>(payoff.size()) * sizeof(double));
  bool broken = false;  // accumulated without an early exit: the loop stays straight-line code
  double moved = 0;
  for (Eigen::Index i = 0; i < size; ++i) {
    const double p = rows[i * size + i];
    broken |= !PairAccepted(p, p, tolerance);
    moved = std::max(moved, std::abs(p - 0.5));
    payoff(i, i) = 0.0;  // the projection's 1/2, minus 1/2
  }
  // Symmetrize and PreferenceGame::Payoff, pair by pair: the pair projected, then 1/2 subtracted.
  tiles::ForEachUpperPair(size, [&](Eigen::Index i, Eigen::Index j) {
    double upper = rows[i * size + j], lower = rows[j * size + i];
    broken |= !PairAccepted(upper, lower, tolerance);
    moved = std::max(moved, ProjectPair(upper, lower));
    payoff(i, j) = upper - 0.5;
    payoff(j, i) = lower - 0.5;
  });
  if (broken) return std::nullopt;
  names = CheckedNames(std::move(names), n, "response", source.path);
  if (projection_change != nullptr) *projection_change = moved;
  std::vector<std::string> column_names = names;
  return ZeroSumGame(std::move(payoff), true, std::move(names), std::move(column_names));
}

ZeroSumGame ZeroSumGame::FromPayoff(Eigen::MatrixXd payoff, std::vector<std::string> row_names,
                                    std::vector<std::string> column_names, const MatrixSource& source) {
  if (payoff.rows() == 0 || payoff.cols() == 0) {
    throw InvalidArgument(fmt::format("{}: the payoff matrix is empty ({}×{})",
                                      source.path.empty() ? "<matrix>" : source.path, payoff.rows(),
                                      payoff.cols()));
  }
  CheckFinite(payoff, source);
  const int rows = static_cast<int>(payoff.rows());
  const int columns = static_cast<int>(payoff.cols());
  return ZeroSumGame(std::move(payoff), false, CheckedNames(std::move(row_names), rows, "row", source.path),
                     CheckedNames(std::move(column_names), columns, "column", source.path));
}

int ZeroSumGame::num_actions(int player) const {
  if (skew_operator_ != nullptr) return skew_operator_->n();
  return static_cast<int>(player == 0 ? payoff_.rows() : payoff_.cols());
}

const std::vector<std::string>& ZeroSumGame::action_names(int player) const {
  return player == 0 ? row_names_ : column_names_;
}

PlayerVectors ZeroSumGame::Payoffs(const PlayerVectors& probabilities) const {
  if (skew_operator_ != nullptr) {
    Eigen::VectorXd payoffs(skew_operator_->n());
    skew_operator_->Multiply(probabilities[0].data(), payoffs.data());
    return {std::move(payoffs)};
  }
  if (symmetric_) return {payoff_ * probabilities[0]};
  return {payoff_ * probabilities[1], -(payoff_.transpose() * probabilities[0])};
}

ZeroSumGame GameFromMatrix(Eigen::MatrixXd values, const MatrixGameOptions& options, bool single_precision,
                           std::vector<std::string> row_names, std::vector<std::string> column_names,
                           const MatrixSource& source, double* projection_change) {
  if (projection_change != nullptr) *projection_change = 0;
  if (options.payoff) {
    return ZeroSumGame::FromPayoff(std::move(values), std::move(row_names), std::move(column_names), source);
  }
  const double tolerance = SymmetryTolerance(options.symmetrize, options.symmetry_tolerance, single_precision);
  PreferenceGame game(std::move(values), std::move(row_names), {.symmetry_tolerance = tolerance}, source);
  if (projection_change != nullptr) *projection_change = game.projection_change();
  return ZeroSumGame::FromPreferences(std::move(game));
}

}  // namespace nlhf
