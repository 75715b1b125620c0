#include "nlhf/solvers/exact_lp.h"

#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/metrics.h"

namespace nlhf {
namespace {

struct ProblemDeleter {
  void operator()(glp_prob* problem) const { glp_delete_prob(problem); }
};
using Problem = std::unique_ptr<glp_prob, ProblemDeleter>;

// maximize v s.t. Σ_i M_ij x_i − v >= 0 (each column j), Σ_i x_i = 1, x >= 0, v free.
Problem BuildMaximinLp(const Eigen::MatrixXd& payoff) {
  const int m = static_cast<int>(payoff.rows());
  const int n = static_cast<int>(payoff.cols());
  Problem lp(glp_create_prob());
  glp_set_obj_dir(lp.get(), GLP_MAX);
  glp_add_cols(lp.get(), m + 1);
  for (int i = 1; i <= m; ++i) glp_set_col_bnds(lp.get(), i, GLP_LO, 0.0, 0.0);
  glp_set_col_bnds(lp.get(), m + 1, GLP_FR, 0.0, 0.0);
  glp_set_obj_coef(lp.get(), m + 1, 1.0);
  glp_add_rows(lp.get(), n + 1);

  // GLPK's arrays are 1-based: element 0 is unused.
  std::vector<int> columns(m + 2);
  std::vector<double> values(m + 2);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      columns[i + 1] = i + 1;
      values[i + 1] = payoff(i, j);
    }
    columns[m + 1] = m + 1;
    values[m + 1] = -1.0;
    glp_set_mat_row(lp.get(), j + 1, m + 1, columns.data(), values.data());
    glp_set_row_bnds(lp.get(), j + 1, GLP_LO, 0.0, 0.0);
  }
  for (int i = 0; i < m; ++i) {
    columns[i + 1] = i + 1;
    values[i + 1] = 1.0;
  }
  glp_set_mat_row(lp.get(), n + 1, m, columns.data(), values.data());
  glp_set_row_bnds(lp.get(), n + 1, GLP_FX, 1.0, 1.0);
  return lp;
}

// The primal x, with round-off below zero clipped and the sum restored to one.
Eigen::VectorXd Strategy(glp_prob* lp, int m) {
  Eigen::VectorXd x(m);
  for (int i = 0; i < m; ++i) x[i] = std::max(0.0, glp_get_col_prim(lp, i + 1));
  return x / x.sum();
}

}  // namespace

Eigen::VectorXd SolveMaximinLp(const Eigen::MatrixXd& payoff, double max_seconds) {
  // GLPK keeps global state unless it was built with thread-local storage; `nlhf batch` polishes many
  // games in parallel, so calls are serialized.
  static std::mutex glpk;
  const std::lock_guard<std::mutex> lock(glpk);
  const int m = static_cast<int>(payoff.rows());
  Problem lp = BuildMaximinLp(payoff);
  glp_smcp parameters;
  glp_init_smcp(&parameters);
  parameters.msg_lev = GLP_MSG_OFF;
  parameters.presolve = GLP_OFF;
  // Without a limit GLPK's simplex runs until it is done (once, on a degenerate game, more than ten
  // minutes): a caller's time limit must hold here too.
  if (std::isfinite(max_seconds)) {
    parameters.tm_lim = static_cast<int>(std::clamp(std::ceil(1000 * max_seconds), 1.0, 2e9));
  }
  const int code = glp_simplex(lp.get(), &parameters);
  if (code == GLP_ETMLIM) {
    throw TimeLimitReached(fmt::format("GLPK's simplex reached the time limit ({:g} s) on a {}×{} game", max_seconds,
                                       payoff.rows(), payoff.cols()));
  }
  if (code != 0 || glp_get_status(lp.get()) != GLP_OPT) {
    throw Error(fmt::format("GLPK simplex failed on a {}×{} game (code {}, status {})", payoff.rows(),
                            payoff.cols(), code, glp_get_status(lp.get())));
  }
  return Strategy(lp.get(), m);
}

SolveResult SolveByMaximinLps(const ZeroSumGame& game, const SolveOptions& options, const std::string& name,
                              const MaximinSolver& maximin) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  const auto start = std::chrono::steady_clock::now();
  SolveResult result;
  result.algorithm = name;
  result.iterations = 0;
  PlayerVectors policy;
  const auto remaining = [&] {
    return options.max_time_in_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  try {
    policy.push_back(maximin(game.payoff(), remaining()));
    if (!game.symmetric()) policy.push_back(maximin(-game.payoff().transpose(), remaining()));
  } catch (const TimeLimitReached& error) {
    result.termination = Termination::kTimeLimit;
    result.message = error.what();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  } catch (const Error& error) {
    result.termination = Termination::kNumericalFailure;
    result.message = error.what();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
  SetFinalProbabilities(game, policy, options.support_threshold, result);
  if (result.duality_gap <= options.gap_tolerance) {
    result.termination = Termination::kConverged;
    result.message = fmt::format("LP optimum, gap {:.3g} <= {:.3g}", result.duality_gap, options.gap_tolerance);
  } else {
    result.termination = Termination::kNumericalFailure;
    result.message = fmt::format("LP optimum inaccurate in double precision: gap {:.3g} > {:.3g}",
                                 result.duality_gap, options.gap_tolerance);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

SolveResult SolveExactLp(const ZeroSumGame& game, const SolveOptions& options) {
  return SolveByMaximinLps(game, options, "lp",
                           [](const Eigen::MatrixXd& payoff, double max_seconds) { return SolveMaximinLp(payoff, max_seconds); });
}

}  // namespace nlhf
