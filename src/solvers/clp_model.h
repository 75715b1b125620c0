// What the solvers built on COIN-OR CLP's C interface share: the model's ownership and reading a strategy
// back from its solution.
#ifndef NLHF_SRC_SOLVERS_CLP_MODEL_H_
#define NLHF_SRC_SOLVERS_CLP_MODEL_H_

#include <Clp_C_Interface.h>

#include <Eigen/Dense>
#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace nlhf::internal {

struct ClpModelDeleter {
  void operator()(Clp_Simplex* model) const { Clp_deleteModel(model); }
};
using ClpModel = std::unique_ptr<Clp_Simplex, ClpModelDeleter>;

// CLP's column-major constraint arrays for the rows C x (C: k × n; exact zeros left out), with the row
// Σx = 1 appended as row k: column i holds C(·, i) and a 1. Further columns may be appended by the caller.
struct ColumnMajor {
  std::vector<CoinBigIndex> starts = {0};
  std::vector<int> rows;
  std::vector<double> values;
};
// (A template, so that a transposed matrix is read in place rather than copied.)
template <typename Derived>
ColumnMajor ConstraintsWithSumRow(const Eigen::MatrixBase<Derived>& c) {
  ColumnMajor m;
  const int k = static_cast<int>(c.rows());
  for (Eigen::Index i = 0; i < c.cols(); ++i) {
    for (int j = 0; j < k; ++j) {
      if (c(j, i) == 0) continue;
      m.rows.push_back(j);
      m.values.push_back(c(j, i));
    }
    m.rows.push_back(k);  // Σx = 1
    m.values.push_back(1.0);
    m.starts.push_back(static_cast<CoinBigIndex>(m.rows.size()));
  }
  return m;
}

// A silent CLP model over the strategies x ∈ Δ (one column each) with the rows lower <= C x <= upper (one
// bound per row of C; CLP's infinity is std::numeric_limits<double>::max()), a zero objective and primal
// and dual tolerance `tolerance`: the polytope over which equilibrium sets and maximum-entropy points
// optimize linear objectives (Clp_chgObjCoefficients, then Clp_primal from the last basis).
template <typename Derived>
ClpModel StrategyPolytopeModel(const Eigen::MatrixBase<Derived>& c, std::vector<double> lower, std::vector<double> upper,
                               double tolerance) {
  const int n = static_cast<int>(c.cols());
  const ColumnMajor columns = ConstraintsWithSumRow(c);
  lower.push_back(1.0);  // Σx = 1
  upper.push_back(1.0);
  const std::vector<double> column_lower(n, 0.0), column_upper(n, std::numeric_limits<double>::max()), objective(n, 0.0);
  ClpModel model(Clp_newModel());
  Clp_setLogLevel(model.get(), 0);
  Clp_loadProblem(model.get(), n, static_cast<int>(lower.size()), columns.starts.data(), columns.rows.data(),
                  columns.values.data(), column_lower.data(), column_upper.data(), objective.data(), lower.data(),
                  upper.data());
  Clp_setPrimalTolerance(model.get(), tolerance);
  Clp_setDualTolerance(model.get(), tolerance);
  return model;
}

// The first `columns` primal values as a probability vector: round-off below zero clipped, the sum
// restored to one.
inline Eigen::VectorXd ClippedStrategy(Clp_Simplex* model, int columns) {
  const double* solution = Clp_getColSolution(model);
  Eigen::VectorXd x(columns);
  for (int i = 0; i < columns; ++i) x[i] = std::max(0.0, solution[i]);
  return x / x.sum();
}

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_CLP_MODEL_H_
