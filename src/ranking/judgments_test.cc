// The judgment-table reader against battles pivoted independently (by this test, from the same records)
// and read by the battle-log reader: the two must give the same wins and counts.
#include <fmt/format.h>

#include <map>
#include <sstream>
#include <nlohmann/json.hpp>

#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/ranking/rank.h"
#include "nlhf/ranking/readers.h"
#include "testing.h"

namespace nlhf {
namespace {

std::string Fixture(const std::string& name) { return std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/" + name; }

// The table of `data`, rows and columns in the order of `names`.
Eigen::MatrixXd Reordered(const Eigen::MatrixXd& m, const ComparisonData& data, const std::vector<std::string>& names) {
  std::vector<int> at;
  for (const std::string& name : names) {
    at.push_back(static_cast<int>(std::find(data.candidates.begin(), data.candidates.end(), name) - data.candidates.begin()));
  }
  Eigen::MatrixXd out(names.size(), names.size());
  for (size_t r = 0; r < names.size(); ++r) {
    for (size_t c = 0; c < names.size(); ++c) out(r, c) = m(at[r], at[c]);
  }
  return out;
}

// MT-bench single-answer judgments (a cut of real data, tests/data/ranking): each (question, turn) ranks
// the models scored on it; two models were judged twice on one item, and their scores are averaged.
TEST(Judgments, PivotToTheBattlesOfEachItem) {
  const std::string path = Fixture("mtbench_ja_judgments.jsonl");
  const ComparisonData judged = ReadComparisonFile(path);
  EXPECT_EQ(judged.format, "judgments");
  ASSERT_EQ(judged.candidates.size(), 7u);

  // The hand pivot: mean score per (item, model), then one battle per pair of models on an item.
  std::map<std::string, std::map<std::string, std::pair<double, int>>> items;
  std::istringstream lines(ReadTextFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const nlohmann::json r = nlohmann::json::parse(line);
    auto& cell = items[r["question_id"].get<std::string>() + "/" + r["turn"].dump()][r["model"].get<std::string>()];
    cell.first += r["score"].get<double>();
    cell.second += 1;
  }
  std::string battles = "model_a,model_b,winner\n";
  int duplicated = 0;
  for (const auto& [item, models] : items) {
    for (auto a = models.begin(); a != models.end(); ++a) {
      duplicated += a->second.second > 1 ? 1 : 0;
      for (auto b = std::next(a); b != models.end(); ++b) {
        const double x = a->second.first / a->second.second, y = b->second.first / b->second.second;
        battles += fmt::format("{},{},{}\n", a->first, b->first, x > y ? "model_a" : x < y ? "model_b" : "tie");
      }
    }
  }
  EXPECT_GT(duplicated, 0);  // the fixture exercises the averaging
  const ComparisonData pivoted = ParseBattles(battles, "pivoted.csv", {});
  const PairwiseTable j = Tabulate(judged), p = Tabulate(pivoted);
  EXPECT_EQ(Reordered(j.wins, judged, pivoted.candidates), p.wins);
  EXPECT_EQ(Reordered(j.counts, judged, pivoted.candidates), p.counts);
  EXPECT_EQ(judged.units.size(), items.size());  // one unit (for the bootstrap) per item

  // And so the same ranking.
  const RankingResult from_judgments = Rank(judged, {}), from_battles = Rank(pivoted, {});
  for (size_t k = 0; k < from_battles.candidates.size(); ++k) {
    EXPECT_EQ(from_judgments.candidates[k].name, from_battles.candidates[k].name);
    EXPECT_NEAR(from_judgments.candidates[k].ne_probability, from_battles.candidates[k].ne_probability, 1e-9);
  }
}

TEST(Judgments, CsvWithNamedColumnsAndMissingScores) {
  const std::string csv = "prompt,system,rating\np1,x,3\np1,y,5\np1,z,NA\np2,x,2\np2,y,2\np2,z,1\n";
  EXPECT_THROW_WITH(ParseJudgments(csv, "j.csv", {}), ParseError, "j.csv:1", "no 'model' column", "--model-column");
  const ComparisonData data = ParseJudgments(csv, "j.csv", {.model_column = "system", .score_column = "rating"});
  EXPECT_EQ(data.candidates, (std::vector<std::string>{"x", "y", "z"}));
  const PairwiseTable t = Tabulate(data);
  EXPECT_EQ(t.wins(1, 0), 1.5);  // y beat x on p1, tied on p2
  EXPECT_EQ(t.counts(0, 2), 1);  // z has no score on p1
  EXPECT_EQ(t.wins(0, 2), 1);
  EXPECT_THAT(data.notes, ::testing::Contains(::testing::HasSubstr("1 judgment(s) without a score")));
}

TEST(Judgments, MalformedTablesNameThePositionAndTheRule) {
  EXPECT_THROW_WITH(ParseJudgments("question_id,model,score\nq,x,good\n", "j.csv", {}), ParseError, "j.csv:2",
                    "score 'good' is not a number");
  EXPECT_THROW_WITH(ParseJudgments("question_id,model,score\nq,x\n", "j.csv", {}), ParseError, "j.csv:2", "2 fields");
  EXPECT_THROW_WITH(ParseJudgments("model,score\nx,1\n", "j.csv", {}), ParseError, "no column naming the item",
                    "--item-column");
  EXPECT_THROW_WITH(ParseJudgments("{\"question_id\": 1, \"model\": \"x\", \"score\": [1]}\n", "j.jsonl", {}),
                    ParseError, "j.jsonl:1", "'score' is not a single value");
  EXPECT_THROW_WITH(ParseJudgments("{\"question_id\": 1, \"model\": \"x\", \"score\": 1}\n{\"model\": \"y\"}\n",
                                   "j.jsonl", {}), ParseError, "j.jsonl:2", "no 'question_id' field");
  EXPECT_THROW_WITH(ParseJudgments("question_id,model,score\n", "j.csv", {}), ParseError, "no judgments");
}

}  // namespace
}  // namespace nlhf
