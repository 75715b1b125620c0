#include "nlhf/ranking/nash_averaging.h"

#include <cmath>
#include <limits>

#include "nlhf/solvers/max_entropy.h"

namespace nlhf {

std::optional<NashAveraging> NashAverage(const ScoreMatrix& table) {
  const Eigen::MatrixXd& scores = table.scores;
  const Eigen::Index tasks = scores.rows(), candidates = scores.cols();
  std::vector<int> agents, played;
  for (Eigen::Index c = 0; c < candidates; ++c) {
    if (!scores.col(c).array().isNaN().all()) agents.push_back(static_cast<int>(c));
  }
  for (Eigen::Index t = 0; t < tasks; ++t) {
    bool complete = true;
    for (int a : agents) complete = complete && !std::isnan(scores(t, a));
    if (complete) played.push_back(static_cast<int>(t));
  }
  if (agents.size() < 2 || played.empty() || played.size() > static_cast<size_t>(kMaxNashAveragingTasks)) {
    return std::nullopt;
  }
  Eigen::MatrixXd payoff(agents.size(), played.size());  // agents × tasks
  for (size_t a = 0; a < agents.size(); ++a) {
    for (size_t t = 0; t < played.size(); ++t) payoff(a, t) = scores(played[t], agents[a]);
  }
  const MaxEntropyEquilibrium equilibrium = FindMaxEntropyEquilibrium(payoff);

  NashAveraging result;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  result.agent_probability = Eigen::VectorXd::Constant(candidates, nan);
  result.skill = Eigen::VectorXd::Constant(candidates, nan);
  const Eigen::VectorXd skill = payoff * equilibrium.column;
  for (size_t a = 0; a < agents.size(); ++a) {
    result.agent_probability[agents[a]] = equilibrium.row[a];
    result.skill[agents[a]] = skill[a];
  }
  for (int t : played) result.tasks.push_back(table.tasks[t]);
  result.task_probability = equilibrium.column;
  result.difficulty = -(payoff.transpose() * equilibrium.row);
  result.value = equilibrium.value;
  result.duality_gap = equilibrium.duality_gap;
  result.kkt_verified = equilibrium.kkt_verified;
  result.skipped_tasks = static_cast<int>(tasks - static_cast<Eigen::Index>(played.size()));
  return result;
}

}  // namespace nlhf
