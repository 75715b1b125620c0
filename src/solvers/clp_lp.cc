#include "nlhf/solvers/clp_lp.h"

#include <Clp_C_Interface.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/solvers/exact_lp.h"
#include "solvers/clp_model.h"

namespace nlhf {
namespace {

using Model = internal::ClpModel;

// maximize v s.t. Σ_i M_ij x_i − v >= 0 (each column j), Σ_i x_i = 1, x >= 0, v free: the LP of
// exact_lp.h, given to CLP column by column (x_1..x_m, then v), exact zeros left out.
Model BuildMaximinLp(const Eigen::MatrixXd& payoff) {
  const int m = static_cast<int>(payoff.rows());
  const int n = static_cast<int>(payoff.cols());
  const double infinity = std::numeric_limits<double>::max();  // CLP's COIN_DBL_MAX
  internal::ColumnMajor columns = internal::ConstraintsWithSumRow(payoff.transpose());
  auto& [starts, rows, values] = columns;
  for (int j = 0; j < n; ++j) {
    rows.push_back(j);
    values.push_back(-1.0);
  }
  starts.push_back(static_cast<CoinBigIndex>(rows.size()));
  std::vector<double> column_lower(m + 1, 0.0), column_upper(m + 1, infinity), objective(m + 1, 0.0);
  column_lower[m] = -infinity;
  objective[m] = 1.0;
  std::vector<double> row_lower(n + 1, 0.0), row_upper(n + 1, infinity);
  row_lower[n] = row_upper[n] = 1.0;
  Model model(Clp_newModel());
  Clp_setLogLevel(model.get(), 0);
  Clp_loadProblem(model.get(), m + 1, n + 1, starts.data(), rows.data(), values.data(), column_lower.data(),
                  column_upper.data(), objective.data(), row_lower.data(), row_upper.data());
  Clp_setOptimizationDirection(model.get(), -1.0);  // maximize
  // CLP's default feasibility tolerances (1e-7) leave gaps of a few 1e-9 at n = 300; the certificate
  // asks for 1e-9 by default.
  Clp_setPrimalTolerance(model.get(), 1e-10);
  Clp_setDualTolerance(model.get(), 1e-10);
  return model;
}

// Statuses of ClpSimplex::Status, which the C interface takes as integers.
constexpr int kBasic = 1, kAtLowerBound = 3, kFixed = 5;

}  // namespace

std::optional<Eigen::VectorXd> CrossoverMaximinClp(const Eigen::MatrixXd& payoff, const std::vector<char>& rows_played,
                                                   const std::vector<char>& columns_played, int max_pivots,
                                                   int* pivots) {
  const int m = static_cast<int>(payoff.rows());
  const int n = static_cast<int>(payoff.cols());
  Model model = BuildMaximinLp(payoff);
  // The basis of an equilibrium with these supports: the played rows' x and v basic, the constraints of
  // the played columns tight (their slacks at the bound), the others' slacks basic, Σx = 1 fixed. Where
  // the two supports differ in size, CLP repairs the count when it factorizes.
  for (int i = 0; i < m; ++i) Clp_setColumnStatus(model.get(), i, rows_played[i] ? kBasic : kAtLowerBound);
  Clp_setColumnStatus(model.get(), m, kBasic);
  for (int j = 0; j < n; ++j) Clp_setRowStatus(model.get(), j, columns_played[j] ? kAtLowerBound : kBasic);
  Clp_setRowStatus(model.get(), n, kFixed);
  Clp_setMaximumIterations(model.get(), max_pivots);
  Clp_dual(model.get(), 0);
  if (pivots != nullptr) *pivots = Clp_numberIterations(model.get());
  if (Clp_status(model.get()) != 0) return std::nullopt;
  return internal::ClippedStrategy(model.get(), m);
}

Eigen::VectorXd SolveMaximinClp(const Eigen::MatrixXd& payoff, ClpMethod method, double max_seconds) {
  Model model = BuildMaximinLp(payoff);
  if (std::isfinite(max_seconds)) Clp_setMaximumSeconds(model.get(), std::max(max_seconds, 1e-3));
  if (method == ClpMethod::kBarrier) {
    Clp_initialBarrierSolve(model.get());
  } else {
    Clp_initialDualSolve(model.get());
  }
  // Status 3: stopped on iterations or time; iterations are not limited here.
  if (Clp_status(model.get()) == 3 && std::isfinite(max_seconds)) {
    throw TimeLimitReached(fmt::format("CLP reached the time limit ({:g} s) on a {}×{} game", max_seconds,
                                       payoff.rows(), payoff.cols()));
  }
  if (Clp_status(model.get()) != 0) {
    throw Error(fmt::format("CLP {} failed on a {}×{} game (status {})",
                            method == ClpMethod::kBarrier ? "barrier" : "dual simplex", payoff.rows(), payoff.cols(),
                            Clp_status(model.get())));
  }
  return internal::ClippedStrategy(model.get(), static_cast<int>(payoff.rows()));
}

SolveResult SolveClpLp(const ZeroSumGame& game, ClpMethod method, const SolveOptions& options) {
  return SolveByMaximinLps(game, options, method == ClpMethod::kBarrier ? "clp-barrier" : "clp",
                           [method](const Eigen::MatrixXd& payoff, double max_seconds) {
                             return SolveMaximinClp(payoff, method, max_seconds);
                           });
}

}  // namespace nlhf
