// The maximum-entropy equilibrium of a zero-sum game: the tie-break of Nash averaging (Balduzzi, Tuyls,
// Perolat and Graepel, "Re-evaluating evaluation", NeurIPS 2018). Where a game has many equilibria, each
// player's optimal strategies form a polytope; entropy is strictly concave, so the polytope has exactly
// one point of maximal entropy. That point spreads weight evenly over actions the data cannot tell apart
// (two copies of one task get half the weight each), which makes the ranking built on it invariant to
// redundant agents and tasks.
//
// How it is computed: linear programs (COIN-OR CLP) find the polytope's implicit equalities (constraints
// no optimal strategy leaves slack, and actions no optimal strategy plays) and a point of its relative
// interior; a log-barrier Newton method (Boyd and Vandenberghe, "Convex Optimization", ch. 11) maximizes
// entropy on the affine hull, and a last Newton solve with the barrier's active constraints as equalities
// makes the answer exact where its multipliers check out (KKT conditions). No general convex solver is
// in Debian that fits: Ipopt would do it, as one more dependency for a problem of a few hundred variables.
#ifndef NLHF_SOLVERS_MAX_ENTROPY_H_
#define NLHF_SOLVERS_MAX_ENTROPY_H_

#include <Eigen/Dense>

namespace nlhf {

struct MaxEntropyPoint {
  Eigen::VectorXd point;  // in the simplex
  double entropy = 0;     // −Σ x log x, natural log
  // The largest violation of the polytope's constraints (and of Σx = 1) at `point`, in the constraints'
  // own units.
  double infeasibility = 0;
  // The first-order optimality conditions hold at `point` with the active constraints found: the answer
  // is the maximizer to rounding. False: the barrier's answer, within about 1e-10 of it.
  bool kkt_verified = false;
};

// argmax of the entropy over {x ∈ Δ : C x >= d} (C: k × n). The polytope must not be empty (up to
// `tolerance`, relative to the largest |C|): throws Error when it is. `tolerance` also decides which
// constraints and actions the polytope fixes (a constraint that no point leaves slack by more is taken as
// an equality, an action no point plays by more as zero).
MaxEntropyPoint MaximizeEntropy(const Eigen::MatrixXd& c, const Eigen::VectorXd& d, double tolerance = 1e-9);

struct MaxEntropyEquilibrium {
  Eigen::VectorXd row, column;  // each player's maximum-entropy optimal strategy
  double value = 0;             // of the game, to the row player
  // max_i (payoff·column)_i − min_j (rowᵀ·payoff)_j, recomputed in the game as given: 0 for an
  // exact equilibrium.
  double duality_gap = 0;
  bool kkt_verified = false;  // for both players (MaxEntropyPoint::kkt_verified)
};

// The maximum-entropy equilibrium of the zero-sum game `payoff` (m × n; the row player maximizes). The
// equilibria of a zero-sum game are the product of the players' optimal sets, so the pair of each
// player's maximum-entropy strategy is the equilibrium of maximal joint entropy.
MaxEntropyEquilibrium FindMaxEntropyEquilibrium(const Eigen::MatrixXd& payoff, double tolerance = 1e-9);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_MAX_ENTROPY_H_
