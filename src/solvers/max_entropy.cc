#include "nlhf/solvers/max_entropy.h"

#include <Clp_C_Interface.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/solvers/clp_lp.h"
#include "solvers/clp_model.h"

namespace nlhf {
namespace {

// The polytope {x ∈ Δ : C x >= d} with C and d divided by the largest |C| (tolerances are then relative).
struct Polytope {
  Eigen::MatrixXd c;
  Eigen::VectorXd d;
};

// What linear programs tell about the polytope: which actions some point plays, which constraints some
// point leaves slack, and a point of its relative interior (the average of the points that showed it).
struct PolytopeShape {
  std::vector<int> free_actions, slack_rows, tight_rows;
  Eigen::VectorXd interior;
};

PolytopeShape FindShape(const Polytope& polytope, double tolerance) {
  const int k = static_cast<int>(polytope.c.rows()), n = static_cast<int>(polytope.c.cols());
  const double infinity = std::numeric_limits<double>::max();  // CLP's COIN_DBL_MAX
  const internal::ClpModel model = internal::StrategyPolytopeModel(
      polytope.c, std::vector<double>(polytope.d.data(), polytope.d.data() + k), std::vector<double>(k, infinity), 1e-12);
  std::vector<double> objective(n, 0.0);

  std::vector<char> played(n, 0), slack(k, 0);
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(n);
  int points = 0;
  // Solves with the current objective (from the last basis) and records what its optimum shows.
  const auto solve = [&](const std::string& what) {
    Clp_primal(model.get(), 0);
    if (Clp_status(model.get()) != 0) {
      throw Error(fmt::format("maximum-entropy point: CLP failed {} (status {}{})", what, Clp_status(model.get()),
                              Clp_status(model.get()) == 1 ? ": the polytope is empty" : ""));
    }
    const double* solution = Clp_getColSolution(model.get());
    const Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(solution, n).cwiseMax(0.0);
    const Eigen::VectorXd slacks = polytope.c * x - polytope.d;
    bool useful = false;
    for (int i = 0; i < n; ++i) useful |= !played[i] && x[i] > tolerance;
    for (int j = 0; j < k; ++j) useful |= !slack[j] && slacks[j] > tolerance;
    if (!useful && points > 0) return;
    for (int i = 0; i < n; ++i) played[i] |= x[i] > tolerance;
    for (int j = 0; j < k; ++j) slack[j] |= slacks[j] > tolerance;
    sum += x;
    ++points;
  };
  solve("finding a feasible point");
  // Only what no point seen so far has shown needs a program of its own.
  for (int i = 0; i < n; ++i) {
    if (played[i]) continue;
    objective.assign(n, 0.0);
    objective[i] = -1.0;  // maximize x_i
    Clp_chgObjCoefficients(model.get(), objective.data());
    solve(fmt::format("maximizing action {}", i + 1));
  }
  for (int j = 0; j < k; ++j) {
    if (slack[j]) continue;
    for (int i = 0; i < n; ++i) objective[i] = -polytope.c(j, i);  // maximize row j's activity
    Clp_chgObjCoefficients(model.get(), objective.data());
    solve(fmt::format("maximizing constraint {}", j + 1));
  }
  PolytopeShape shape;
  for (int i = 0; i < n; ++i) {
    if (played[i]) shape.free_actions.push_back(i);
  }
  for (int j = 0; j < k; ++j) (slack[j] ? shape.slack_rows : shape.tight_rows).push_back(j);
  shape.interior = sum / points;
  for (int i = 0; i < n; ++i) {
    if (!played[i]) shape.interior[i] = 0;
  }
  shape.interior /= shape.interior.sum();
  return shape;
}

// An orthonormal basis of the null space of `a` (columns), by the SVD.
Eigen::MatrixXd NullSpace(const Eigen::MatrixXd& a) {
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(a, Eigen::ComputeFullV);
  svd.setThreshold(1e-11);
  const int rank = static_cast<int>(svd.rank());
  return svd.matrixV().rightCols(a.cols() - rank);
}

// Minimizes Σ x log x − μ Σ_j log((G x − h)_j) over x = start + Z y by damped Newton steps (G, h: the
// constraints kept strict by the barrier; μ = 0: none). Returns the last iterate.
Eigen::VectorXd MinimizeOnAffineSet(Eigen::VectorXd x, const Eigen::MatrixXd& z, const Eigen::MatrixXd& g,
                                    const Eigen::VectorXd& h, double mu) {
  const auto objective = [&](const Eigen::VectorXd& p) {
    double value = (p.array() * p.array().log()).sum();
    if (mu > 0) value -= mu * (g * p - h).array().log().sum();
    return value;
  };
  if (z.cols() == 0) return x;
  for (int step = 0; step < 200; ++step) {
    const Eigen::VectorXd s = g * x - h;
    Eigen::VectorXd gradient = (x.array().log() + 1.0).matrix();
    Eigen::MatrixXd hessian = x.cwiseInverse().asDiagonal();
    if (mu > 0 && g.rows() > 0) {
      gradient -= mu * g.transpose() * s.cwiseInverse();
      const Eigen::MatrixXd scaled = s.cwiseInverse().asDiagonal() * g;
      hessian += mu * scaled.transpose() * scaled;
    }
    const Eigen::VectorXd reduced_gradient = z.transpose() * gradient;
    const Eigen::MatrixXd reduced_hessian = z.transpose() * hessian * z;
    const Eigen::VectorXd dy = reduced_hessian.ldlt().solve(-reduced_gradient);
    const double decrement = -reduced_gradient.dot(dy);  // the Newton decrement squared
    if (!std::isfinite(decrement) || decrement < 1e-24) break;
    const Eigen::VectorXd dx = z * dy;
    // The longest step that keeps x and the slacks positive, then backtracking (Armijo).
    double t = 1.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if (dx[i] < 0) t = std::min(t, -0.99 * x[i] / dx[i]);
    }
    if (mu > 0 && g.rows() > 0) {
      const Eigen::VectorXd ds = g * dx;
      for (Eigen::Index j = 0; j < ds.size(); ++j) {
        if (ds[j] < 0) t = std::min(t, -0.99 * s[j] / ds[j]);
      }
    }
    const double current = objective(x);
    while (t > 1e-14 && !(objective(x + t * dx) <= current - 0.25 * t * decrement)) t *= 0.5;
    if (t <= 1e-14) break;  // round-off: no further decrease can be measured
    x += t * dx;
    if (decrement < 1e-20) break;
  }
  return x;
}

double Entropy(const Eigen::VectorXd& x) {
  double h = 0;
  for (const double p : x) h -= p > 0 ? p * std::log(p) : 0.0;
  return h;
}

}  // namespace

MaxEntropyPoint MaximizeEntropy(const Eigen::MatrixXd& c, const Eigen::VectorXd& d, double tolerance) {
  const int n = static_cast<int>(c.cols());
  if (n == 0 || d.size() != c.rows()) throw InvalidArgument("maximum-entropy point: C and d do not fit");
  const double scale = c.size() > 0 && c.cwiseAbs().maxCoeff() > 0 ? c.cwiseAbs().maxCoeff() : 1.0;
  const Polytope polytope{c / scale, d / scale};
  const PolytopeShape shape = FindShape(polytope, tolerance);

  // On the free actions: the equalities (Σx = 1 and the tight rows, at the interior point's values so
  // that it satisfies them exactly), and the slack rows kept strict by the barrier.
  const std::vector<int>& free = shape.free_actions;
  const Eigen::VectorXd x0 = shape.interior(free);
  Eigen::MatrixXd equalities(1 + shape.tight_rows.size(), free.size());
  equalities.row(0).setOnes();
  equalities.bottomRows(shape.tight_rows.size()) = polytope.c(shape.tight_rows, free);
  const Eigen::MatrixXd g = polytope.c(shape.slack_rows, free);
  // Each slack row's bound, lowered where rounding left the interior point on it.
  Eigen::VectorXd h = polytope.d(shape.slack_rows);
  const Eigen::VectorXd s0 = g * x0 - h;
  for (Eigen::Index j = 0; j < h.size(); ++j) h[j] = std::min(h[j], h[j] + s0[j] - 1e-14);

  const Eigen::MatrixXd z = NullSpace(equalities);
  Eigen::VectorXd x = x0;
  for (double mu = 1.0; mu >= 1e-14; mu *= 0.1) x = MinimizeOnAffineSet(x, z, g, h, mu);

  // Finishing: the rows the barrier left (nearly) tight become equalities, and entropy is maximized on
  // that face without a barrier. Kept where the result is feasible and its multipliers are non-negative.
  MaxEntropyPoint result;
  const Eigen::VectorXd slacks = g * x - h;
  std::vector<int> active;
  for (Eigen::Index j = 0; j < slacks.size(); ++j) {
    if (slacks[j] < 1e-9) active.push_back(static_cast<int>(j));
  }
  Eigen::MatrixXd face(equalities.rows() + active.size(), free.size());
  face.topRows(equalities.rows()) = equalities;
  for (size_t r = 0; r < active.size(); ++r) face.row(equalities.rows() + r) = g.row(active[r]);
  Eigen::VectorXd targets(face.rows());
  targets << equalities * x0, h(active);
  Eigen::JacobiSVD<Eigen::MatrixXd> face_svd(face, Eigen::ComputeThinU | Eigen::ComputeThinV);
  face_svd.setThreshold(1e-11);
  Eigen::VectorXd polished = x - face_svd.solve(face * x - targets);
  if ((polished.array() > 0).all()) {
    polished = MinimizeOnAffineSet(polished, NullSpace(face), g, h, 0.0);
    const Eigen::VectorXd gradient = (polished.array().log() + 1.0).matrix();
    // KKT: ∇f = faceᵀ (ν, λ) with λ >= 0 for the rows made active (the least-norm multipliers).
    Eigen::JacobiSVD<Eigen::MatrixXd> transposed(face.transpose(), Eigen::ComputeThinU | Eigen::ComputeThinV);
    transposed.setThreshold(1e-11);
    const Eigen::VectorXd nu_lambda = transposed.solve(gradient);
    const double residual = (face.transpose() * nu_lambda - gradient).cwiseAbs().maxCoeff();
    const bool feasible = (polished.array() > 0).all() && ((g * polished - h).array() >= -1e-12).all();
    const bool signs = active.empty() || (nu_lambda.tail(active.size()).array() >= -1e-9).all();
    if (feasible && signs && residual < 1e-7) {
      x = polished;
      result.kkt_verified = true;
    }
  }
  result.point = Eigen::VectorXd::Zero(n);
  // (A loop, not Eigen's indexed view: GCC 12 misreads that scatter as freeing a non-heap pointer.)
  for (size_t i = 0; i < free.size(); ++i) result.point[free[i]] = x[static_cast<Eigen::Index>(i)];
  result.point /= result.point.sum();
  result.entropy = Entropy(result.point);
  const Eigen::VectorXd violation = d - c * result.point;
  result.infeasibility = std::max(violation.size() > 0 ? violation.maxCoeff() : 0.0, 0.0);
  result.infeasibility = std::max(result.infeasibility, std::abs(result.point.sum() - 1.0));
  return result;
}

MaxEntropyEquilibrium FindMaxEntropyEquilibrium(const Eigen::MatrixXd& payoff, double tolerance) {
  // Each player's optimal set, as the polytope of strategies that guarantee what the LP's optimal strategy
  // guarantees (so it is never empty, whatever the LP's rounding).
  const Eigen::VectorXd row_lp = SolveMaximinClp(payoff, ClpMethod::kDualSimplex);
  const Eigen::VectorXd column_lp = SolveMaximinClp(-payoff.transpose(), ClpMethod::kDualSimplex);
  const double lower = (row_lp.transpose() * payoff).minCoeff();
  const double upper = (payoff * column_lp).maxCoeff();
  const MaxEntropyPoint row = MaximizeEntropy(payoff.transpose(), Eigen::VectorXd::Constant(payoff.cols(), lower),
                                              tolerance);
  const MaxEntropyPoint column = MaximizeEntropy(-payoff, Eigen::VectorXd::Constant(payoff.rows(), -upper), tolerance);
  MaxEntropyEquilibrium result;
  result.row = row.point;
  result.column = column.point;
  const double guaranteed = (result.row.transpose() * payoff).minCoeff();
  const double conceded = (payoff * result.column).maxCoeff();
  result.value = 0.5 * (guaranteed + conceded);
  result.duality_gap = conceded - guaranteed;
  result.kkt_verified = row.kkt_verified && column.kkt_verified;
  return result;
}

}  // namespace nlhf
