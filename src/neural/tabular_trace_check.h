// For the neural tests: a tabular policy trained with plain SGD at lr = 1 is the tabular method, so for every
// method with a tabular counterpart the run's trace must be the registry's solver's on the same game.
#ifndef NLHF_SRC_NEURAL_TABULAR_TRACE_CHECK_H_
#define NLHF_SRC_NEURAL_TABULAR_TRACE_CHECK_H_

#include <cmath>

#include "nlhf/neural/methods.h"
#include "nlhf/neural/trainer.h"
#include "nlhf/registry.h"
#include "testing.h"

namespace nlhf::neural {

// Trains `base` (a tabular policy, SGD, lr 1; one context) with each such method at step `step_size` (and
// β = 0.1 for the regularized ones) for `iterations`, and expects the same gap (and regularized gap) at every
// iteration as SolveWith on `game`, unpolished, and the same final policy and log-policy, all to 1e-9.
inline void ExpectEveryMethodTracesItsTabularSolver(const TrainingGames& games, const ZeroSumGame& game,
                                                    const TrainOptions& base, std::int64_t iterations,
                                                    double step_size) {
  for (const NeuralMethod& method : NeuralMethods()) {
    if (method.tabular_counterpart.empty()) continue;
    SCOPED_TRACE(method.name);
    TrainOptions options = base;
    options.algorithm = method.name;
    options.iterations = iterations;
    options.step_size = step_size;
    ParameterValues parameters = {{"eta", step_size}};
    if (method.regularized) {
      options.beta = 0.1;
      parameters["beta"] = 0.1;
    }
    const TrainResult trained = Train(games, options);
    SolveOptions solve_options;
    solve_options.max_iterations = iterations;
    solve_options.gap_tolerance = 0;
    solve_options.trace_interval = 1;
    const SolveResult solved = SolveWith(method.tabular_counterpart, game, solve_options, parameters);
    ASSERT_EQ(trained.trace.size(), solved.trace.size());
    for (size_t t = 0; t < solved.trace.size(); ++t) {
      ASSERT_NEAR(trained.trace[t].mean_gap, solved.trace[t].duality_gap, 1e-9) << "iteration " << t;
      if (method.regularized) {
        ASSERT_NEAR(trained.trace[t].mean_regularized_gap, solved.trace[t].regularized_gap, 1e-9) << "iteration " << t;
      }
    }
    for (Eigen::Index a = 0; a < trained.policy.cols(); ++a) {
      EXPECT_NEAR(trained.policy(0, a), solved.policy[0](a), 1e-9) << "response " << a;
      EXPECT_NEAR(std::log(trained.policy(0, a)), solved.log_policy[0](a), 1e-9) << "response " << a;
    }
  }
}

}  // namespace nlhf::neural

#endif  // NLHF_SRC_NEURAL_TABULAR_TRACE_CHECK_H_
