// The set of all equilibria of a symmetric game, where it is not a single point.
//
// A preference game whose comparison graph is sparse (every model compared with one baseline, as in
// AlpacaEval and arena-hard) has many equilibria: models never compared with each other sit at P = 1/2,
// and any mixture of them can be an equilibrium. Reporting one of them as "the" answer would let a
// solver's path, or float rounding, decide the ranking. The equilibrium set of a symmetric zero-sum game
// with skew payoff A is the polytope E = {π ∈ Δ : Aπ <= 0} (value 0), so each candidate's smallest and
// largest probability over all equilibria is a linear program: 2n of them, solved by COIN-OR CLP's
// primal simplex, each warm-started from the last one's basis.
#ifndef NLHF_SOLVERS_EQUILIBRIUM_SET_H_
#define NLHF_SOLVERS_EQUILIBRIUM_SET_H_

#include <Eigen/Dense>
#include <vector>

namespace nlhf {

struct EquilibriumSet {
  Eigen::VectorXd lowest, highest;  // per candidate: the least and the most probability at any equilibrium
  // The average, over the candidates some equilibrium plays, of an equilibrium that plays that candidate
  // most: an equilibrium (E is convex) that gives weight to every such candidate, and treats candidates
  // the data cannot tell apart alike (three models compared only with one baseline get 1/3 each, where
  // a solver's answer depends on its path). The stated tie-break where E is not a point.
  Eigen::VectorXd center;
  bool unique = true;  // highest − lowest <= tolerance for every candidate
};

// E of the symmetric game with skew payoff `a` (A = P − 1/2), given one of its equilibria: only the
// candidates that do as well as the value against it (within `tolerance`) can be played at any
// equilibrium (equilibria of zero-sum games are interchangeable), so only theirs are bounded by programs.
// `tolerance` also decides uniqueness. Throws Error when CLP fails.
EquilibriumSet FindEquilibriumSet(const Eigen::MatrixXd& a, const Eigen::VectorXd& equilibrium, double tolerance);

// The candidates FindEquilibriumSet bounds by linear programs: those within `tolerance` of the value.
int CandidatesToBound(const Eigen::MatrixXd& a, const Eigen::VectorXd& equilibrium, double tolerance);

}  // namespace nlhf

#endif  // NLHF_SOLVERS_EQUILIBRIUM_SET_H_
