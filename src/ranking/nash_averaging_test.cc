// Nash averaging of agent × task tables: redundancy invariance on a hand table, and on real MT-bench
// judgments the value against GLPK's simplex and the equilibrium's certificate recomputed from the records.
#include "nlhf/ranking/nash_averaging.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nlhf/io/atomic_file.h"
#include "nlhf/ranking/rank.h"
#include "nlhf/ranking/readers.h"
#include "nlhf/solvers/exact_lp.h"

namespace nlhf {
namespace {

const CandidateRanking& Find(const RankingResult& r, const std::string& name) {
  for (const CandidateRanking& c : r.candidates) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no candidate " + name);
}

// Agents a and b each master one task and c is middling on both: every agent's Nash-averaged skill is
// 1/2 (the task player mixes the two tasks evenly). Three more copies of t1 leave that unchanged (the
// copies share t1's half), where the mean over tasks now ranks a first.
TEST(NashAveraging, CopiesOfATaskChangeNothing) {
  const std::string once = "task,a,b,c\nt1,1,0,0.5\nt2,0,1,0.5\n";
  const std::string padded = once + "t1_copy1,1,0,0.5\nt1_copy2,1,0,0.5\nt1_copy3,1,0,0.5\n";
  for (const std::string& table : {once, padded}) {
    const RankingResult r = Rank(ParseScoreTable(table, "tasks.csv"), {});
    ASSERT_TRUE(r.nash_averaging.has_value());
    const NashAveraging& nash = *r.nash_averaging;
    EXPECT_NEAR(nash.value, 0.5, 1e-12);
    EXPECT_LE(nash.duality_gap, 1e-12);
    EXPECT_TRUE(nash.kkt_verified);
    for (const std::string name : {"a", "b", "c"}) {
      EXPECT_NEAR(*Find(r, name).nash_skill, 0.5, 1e-12) << name;
      // {(t, t, 1 − 2t)} is the agents' optimal set; its entropy peaks at t = 1/3.
      EXPECT_NEAR(*Find(r, name).nash_probability, 1.0 / 3, 1e-9) << name;
    }
    // t2 keeps half; t1 and its copies (rows 0, 2, 3, 4) share the other half evenly.
    EXPECT_NEAR(nash.task_probability[1], 0.5, 1e-12);
    const double t1_share = 0.5 / static_cast<double>(nash.tasks.size() - 1);
    for (size_t t = 0; t < nash.tasks.size(); ++t) {
      if (t != 1) {
        EXPECT_NEAR(nash.task_probability[t], t1_share, 1e-12) << nash.tasks[t];
      }
    }
  }
}

TEST(NashAveraging, TasksWithAMissingScoreAreLeftOut) {
  const RankingResult r = Rank(ParseScoreTable("task,a,b\nt1,1,0\nt2,NA,1\nt3,0,1\n", "tasks.csv"), {});
  ASSERT_TRUE(r.nash_averaging.has_value());
  EXPECT_EQ(r.nash_averaging->skipped_tasks, 1);
  EXPECT_EQ(r.nash_averaging->tasks, (std::vector<std::string>{"t1", "t3"}));
}

TEST(NashAveraging, OnlyForScores) {
  const RankingResult r = Rank(ParseBattles("model_a,model_b,winner\na,b,model_a\nb,a,model_a\n", "b.csv", {}), {});
  EXPECT_FALSE(r.nash_averaging.has_value());
  EXPECT_FALSE(r.candidates[0].nash_skill.has_value());
}

// Real MT-bench judgments (tests/data/ranking; a cut of public data): the agent × item table pivoted here
// from the records, its game value from GLPK, and the reported mixtures checked as an equilibrium of it.
TEST(NashAveraging, MtBenchJudgmentsAgreeWithTheLinearProgram) {
  const std::string path = std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/mtbench_ja_judgments.jsonl";
  std::map<std::string, std::map<std::string, std::pair<double, int>>> items;  // item → model → (sum, count)
  std::istringstream lines(ReadTextFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const nlohmann::json r = nlohmann::json::parse(line);
    auto& cell = items[r["question_id"].get<std::string>() + ", " + r["turn"].dump()][r["model"].get<std::string>()];
    cell.first += r["score"].get<double>();
    cell.second += 1;
  }
  const ComparisonData data = ReadComparisonFile(path);
  const RankingResult r = Rank(data, {});
  ASSERT_TRUE(r.nash_averaging.has_value());
  const NashAveraging& nash = *r.nash_averaging;
  ASSERT_EQ(nash.tasks.size(), items.size());  // every model is scored on every item of the cut
  Eigen::MatrixXd scores(data.candidates.size(), nash.tasks.size());  // agents × items
  for (size_t a = 0; a < data.candidates.size(); ++a) {
    for (size_t t = 0; t < nash.tasks.size(); ++t) {
      const auto& [sum, count] = items.at(nash.tasks[t]).at(data.candidates[a]);
      scores(a, t) = sum / count;
    }
  }
  const double value = (scores.transpose() * SolveMaximinLp(scores)).minCoeff();
  EXPECT_NEAR(nash.value, value, 1e-9);
  Eigen::VectorXd agents(data.candidates.size()), skill(data.candidates.size());
  for (const CandidateRanking& c : r.candidates) {
    agents[c.index] = *c.nash_probability;
    skill[c.index] = *c.nash_skill;
  }
  EXPECT_NEAR(agents.sum(), 1, 1e-12);
  EXPECT_NEAR(nash.task_probability.sum(), 1, 1e-12);
  EXPECT_LE((scores * nash.task_probability - skill).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LE(skill.maxCoeff(), value + 1e-9);                                      // no agent beats the task mixture
  EXPECT_GE((scores.transpose() * agents).minCoeff(), value - 1e-9);             // no task holds the agents below
  EXPECT_LE((-(scores.transpose() * agents) - nash.difficulty).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_TRUE(nash.kkt_verified);
}

}  // namespace
}  // namespace nlhf
