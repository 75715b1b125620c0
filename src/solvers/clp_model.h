// What the solvers built on COIN-OR CLP's C interface share: the model's ownership and reading a strategy
// back from its solution.
#ifndef NLHF_SRC_SOLVERS_CLP_MODEL_H_
#define NLHF_SRC_SOLVERS_CLP_MODEL_H_

#include <Clp_C_Interface.h>

#include <Eigen/Dense>
#include <algorithm>
#include <memory>

namespace nlhf::internal {

struct ClpModelDeleter {
  void operator()(Clp_Simplex* model) const { Clp_deleteModel(model); }
};
using ClpModel = std::unique_ptr<Clp_Simplex, ClpModelDeleter>;

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
