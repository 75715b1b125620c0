// Nash averaging of an agent × task score table (Balduzzi, Tuyls, Perolat and Graepel, "Re-evaluating
// evaluation", NeurIPS 2018, agent vs task). Agents and tasks play a zero-sum game: the agent player picks
// an agent and wants a high score, the task player picks a task and wants a low one. Each player's
// maximum-entropy optimal mixture (nlhf/solvers/max_entropy.h) weighs the other side: an agent's skill is
// its mean score against the task player's mixture, a task's difficulty minus the agent mixture's mean
// score on it. Unlike the plain mean over tasks, this is unchanged by adding copies of a task (or of an
// agent), so an evaluation suite padded with easy near-duplicates cannot move the ranking.
//
// Scores are payoffs as given: tasks must share a scale (normalize them first, e.g. to human-normalized
// scores), and only differences within a task's column of scores matter to the agents' order when the
// task player mixes.
#ifndef NLHF_RANKING_NASH_AVERAGING_H_
#define NLHF_RANKING_NASH_AVERAGING_H_

#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

#include "nlhf/ranking/comparisons.h"

namespace nlhf {

// Tasks beyond this many are not played (the task player's Newton steps are dense in the tasks).
inline constexpr int kMaxNashAveragingTasks = 1000;

struct NashAveraging {
  // Per candidate of the table (NaN for one with no score on any task played): the probability of the
  // agent player's maximum-entropy mixture, and the skill (mean score against the task mixture).
  Eigen::VectorXd agent_probability, skill;
  std::vector<std::string> tasks;   // those played: every agent with scores has one on each
  Eigen::VectorXd task_probability;  // per task played
  Eigen::VectorXd difficulty;        // per task played: −(agent mixture's mean score on it)
  double value = 0;                  // of the game: the agent mixture's guaranteed mean score
  double duality_gap = 0;            // of the pair, recomputed on the scores: 0 when exact
  bool kkt_verified = false;         // both mixtures are maximum-entropy to rounding
  int skipped_tasks = 0;             // tasks with a missing score for some agent, not played
};

// Nash averaging over the tasks on which every agent with any score has one. Nothing when fewer than two
// agents or no task remain, or more than kMaxNashAveragingTasks tasks would be played.
std::optional<NashAveraging> NashAverage(const ScoreMatrix& table);

}  // namespace nlhf

#endif  // NLHF_RANKING_NASH_AVERAGING_H_
