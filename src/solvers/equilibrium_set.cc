#include "nlhf/solvers/equilibrium_set.h"

#include <Clp_C_Interface.h>
#include <fmt/format.h>

#include <limits>
#include <vector>

#include "nlhf/error.h"
#include "solvers/clp_model.h"

namespace nlhf {

int CandidatesToBound(const Eigen::MatrixXd& a, const Eigen::VectorXd& equilibrium, double tolerance) {
  return static_cast<int>(((a * equilibrium).array() >= -tolerance).count());
}

EquilibriumSet FindEquilibriumSet(const Eigen::MatrixXd& a, const Eigen::VectorXd& equilibrium, double tolerance) {
  const int n = static_cast<int>(a.rows());
  // Equilibria are interchangeable in a zero-sum game: every equilibrium is a best response to this one,
  // so a candidate that does strictly worse than the value against it is unplayed at all of them.
  const Eigen::VectorXd payoffs = a * equilibrium;
  const double infinity = std::numeric_limits<double>::max();  // CLP's COIN_DBL_MAX
  // Columns π_1..π_n; rows (Aπ)_j <= 0 for each j, then Σπ = 1.
  const internal::ClpModel model =
      internal::StrategyPolytopeModel(a, std::vector<double>(n, -infinity), std::vector<double>(n, 0.0), 1e-10);
  std::vector<double> objective(n, 0.0);

  EquilibriumSet set;
  set.lowest.resize(n);
  set.highest.resize(n);
  set.center = Eigen::VectorXd::Zero(n);
  for (int i = 0; i < n; ++i) {
    if (payoffs[i] < -tolerance) {
      set.lowest[i] = set.highest[i] = 0;
      continue;
    }
    for (const double direction : {1.0, -1.0}) {  // minimize π_i, then maximize it
      objective[i] = direction;
      Clp_chgObjCoefficients(model.get(), objective.data());
      objective[i] = 0;
      Clp_primal(model.get(), 0);  // from the previous program's basis
      // A warm start can end "infeasible" on a polytope that is nearly one point (random n = 100, seed 9:
      // candidate 5); solved again from scratch (with presolve) it is not.
      if (Clp_status(model.get()) != 0) Clp_initialSolve(model.get());
      if (Clp_status(model.get()) != 0) {
        throw Error(fmt::format("CLP failed bounding candidate {}'s equilibrium probability (status {})", i + 1,
                                Clp_status(model.get())));
      }
      const Eigen::VectorXd pi = internal::ClippedStrategy(model.get(), n);
      (direction > 0 ? set.lowest : set.highest)[i] = pi[i];
      if (direction < 0 && pi[i] > tolerance) set.center += pi;
    }
    set.unique = set.unique && set.highest[i] - set.lowest[i] <= tolerance;
  }
  set.center /= set.center.sum();
  return set;
}

}  // namespace nlhf
