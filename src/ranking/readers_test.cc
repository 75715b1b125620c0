#include "nlhf/ranking/readers.h"

#include <filesystem>
#include <fstream>

#include "nlhf/error.h"
#include "testing.h"

namespace nlhf {
namespace {

std::string Fixture(const std::string& name) { return std::string(NLHF_SOURCE_DIR) + "/tests/data/ranking/" + name; }

Eigen::MatrixXd PreferencesOf(const ComparisonData& data) {
  return PreferencesFromTable(Tabulate(data), 0, nullptr);
}

int Index(const ComparisonData& data, const std::string& name) {
  return static_cast<int>(std::find(data.candidates.begin(), data.candidates.end(), name) - data.candidates.begin());
}

TEST(Battles, CountsWinsAndHalfTies) {
  const ComparisonData data = ReadComparisonFile(Fixture("battles.csv"));
  EXPECT_EQ(data.format, "battles");
  EXPECT_EQ(data.candidates, (std::vector<std::string>{"a", "b", "c", "d"}));
  const PairwiseTable table = Tabulate(data);
  EXPECT_EQ(table.wins(0, 1), 3);  // a over b
  EXPECT_EQ(table.wins(1, 0), 1);
  EXPECT_EQ(table.wins(0, 3), 1.5);  // a over d: one win, one tie
  EXPECT_EQ(table.counts(0, 3), 2);
  const Eigen::MatrixXd p = PreferencesOf(data);
  EXPECT_DOUBLE_EQ(p(1, 2), 0.75);
  EXPECT_DOUBLE_EQ(p(2, 0), 0.75);
  EXPECT_DOUBLE_EQ(p(1, 3), 1.0);
}

TEST(Battles, ContextAndWeightColumns) {
  const ComparisonData data =
      ReadComparisonFile(Fixture("battles.csv"), {.context_column = "question_id", .weight_column = "weight"});
  EXPECT_EQ(data.units.front().context, "q1");
  const PairwiseTable q1 = Tabulate(data, nullptr, "q1");
  EXPECT_EQ(q1.wins(0, 1), 2);
  EXPECT_EQ(q1.counts(1, 3), 0);  // b and d never meet in q1
}

TEST(Battles, MalformedLogsNameTheLineAndTheRule) {
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner\nx,y,model_c\n", "b.csv", {}), ParseError, "b.csv:2",
                    "winner 'model_c'", "model_a, model_b, a, b, tie");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,result\nx,y,model_a\n", "b.csv", {}), ParseError, "b.csv:1",
                    "no 'winner' column");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner\nx,y\n", "b.csv", {}), ParseError, "b.csv:2", "2 fields");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner\nx,x,tie\n", "b.csv", {}), ParseError, "battles itself");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner,w\nx,y,tie,-1\n", "b.csv", {.weight_column = "w"}),
                    ParseError, "b.csv:2", "weight '-1'");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner\n\"x,y,tie\n", "b.csv", {}), ParseError, "unterminated");
}

// The same battles as battles.csv in the other layouts evaluators have: JSON Lines (arena-hard-auto's
// battle records, with a nested field the reader does not need and winners given as names or side
// words) and one-hot outcome columns (the LMSYS Chatbot Arena export). Each gives battles.csv's table.
TEST(Battles, JsonLinesAndOneHotColumnsReadAsTheCsv) {
  const ComparisonData csv = ReadComparisonFile(Fixture("battles.csv"), {.context_column = "question_id"});
  const ComparisonData jsonl = ReadComparisonFile(Fixture("battles.jsonl"), {.context_column = "question_id"});
  const ComparisonData one_hot = ReadComparisonFile(Fixture("battles_onehot.csv"));
  EXPECT_EQ(jsonl.format, "battles");
  EXPECT_EQ(one_hot.format, "battles");
  EXPECT_EQ(jsonl.candidates, csv.candidates);
  EXPECT_EQ(one_hot.candidates, csv.candidates);
  EXPECT_EQ(Tabulate(jsonl).wins, Tabulate(csv).wins);
  EXPECT_EQ(Tabulate(jsonl).counts, Tabulate(csv).counts);
  EXPECT_EQ(Tabulate(jsonl, nullptr, "q3").wins, Tabulate(csv, nullptr, "q3").wins);
  EXPECT_EQ(Tabulate(one_hot).wins, Tabulate(csv).wins);
  EXPECT_EQ(Tabulate(one_hot).counts, Tabulate(csv).counts);
}

// AlpacaEval's annotations.json (two records cut from the AlpacaEval repository, data/README.md): a JSON
// array of records whose columns are generator_1, generator_2 and a preference in [1, 2] (1: the first
// output preferred, 2: the second), mapped by flags. A preference of 1.99 gives the first generator 0.01.
TEST(Battles, AlpacaEvalAnnotationsWithMappedColumnsAndANumericWinner) {
  ComparisonReadOptions options{.score_low = 2, .score_high = 1, .score_range_given = true};
  options.model_a_column = "generator_1";
  options.model_b_column = "generator_2";
  options.winner_column = "preference";
  const ComparisonData data = ReadComparisonFile(Fixture("alpacaeval_annotations.json"), options);
  EXPECT_EQ(data.format, "battles");
  EXPECT_EQ(data.candidates, (std::vector<std::string>{"gpt4_1106_preview", "example"}));
  const PairwiseTable table = Tabulate(data);
  EXPECT_NEAR(table.wins(0, 1), (2 - 1.9900139974) + (2 - 1.4593660117), 1e-12);
  EXPECT_EQ(table.counts(0, 1), 2);
  // Without the scale the number is refused with the hint.
  options.score_range_given = false;
  EXPECT_THROW_WITH(ReadComparisonFile(Fixture("alpacaeval_annotations.json"), options), ParseError,
                    "record 0", "winner '1.9900139974' is a number", "--score-range");
}

TEST(Battles, MalformedJsonAndOneHotRecordsNameThePositionAndTheRule) {
  EXPECT_THROW_WITH(ParseJsonBattles("{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"x\"}\n{\"model_a\": 1\n",
                                     "b.jsonl", {}),
                    ParseError, "b.jsonl:2", "not valid JSON");
  // Found by fuzzing: a number beyond double's range escaped as nlohmann's out_of_range.
  EXPECT_THROW_WITH(ParseJsonBattles("{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"x\", \"g\": [1e400]}\n",
                                     "b.jsonl", {}),
                    ParseError, "b.jsonl:1", "not valid JSON", "1e400");
  EXPECT_THROW_WITH(ParseJsonBattles("{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"x\"}\n"
                                     "{\"model_a\": \"x\", \"model_b\": \"y\"}\n", "b.jsonl", {}),
                    ParseError, "b.jsonl:2", "no 'winner' field");
  EXPECT_THROW_WITH(ParseJsonBattles("[{\"model_a\": \"x\", \"model_b\": null, \"winner\": \"x\"}]", "b.json", {}),
                    ParseError, "b.json: record 0", "'model_b' is null");
  EXPECT_THROW_WITH(ParseJsonBattles("[{\"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"z\"}]", "b.json", {}),
                    ParseError, "record 0", "winner 'z' is neither model ('x', 'y')");
  EXPECT_THROW_WITH(ParseJsonBattles("[{\"a\": \"x\", \"b\": \"y\"}]", "b.json", {}), ParseError, "no 'model_a' field",
                    "--model-a");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner_model_a,winner_model_b,winner_tie\nx,y,1,1,0\n", "o.csv", {}),
                    ParseError, "o.csv:2", "exactly one of");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner_model_a,winner_model_b\nx,y,yes,0\n", "o.csv", {}),
                    ParseError, "o.csv:2", "must be 0 or 1");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner\nx,y,0.7\n", "n.csv",
                                 {.score_low = 0, .score_high = 0, .score_range_given = true}),
                    InvalidArgument, "--score-range 0,0");
  EXPECT_THROW_WITH(ParseBattles("model_a,model_b,winner\nx,y,1.5\n", "n.csv",
                                 {.score_low = 0, .score_high = 1, .score_range_given = true}),
                    ParseError, "n.csv:2", "outside --score-range 0,1");
}

TEST(PairwiseScores, MapsTheScoreRangeAndCombinesReversedPairs) {
  const ComparisonData data =
      ReadComparisonFile(Fixture("pairwise.csv"), {.score_low = -1000, .score_high = 1000});
  EXPECT_EQ(data.format, "pairwise");
  const Eigen::MatrixXd p = PreferencesOf(data);
  const int x = Index(data, "x"), y = Index(data, "y"), z = Index(data, "z");
  EXPECT_NEAR(p(x, y), 0.7, 1e-15);  // 600 → 0.8 and (y, x, −200) → 0.6 for x
  EXPECT_NEAR(p(y, z), 1.0, 1e-15);
  EXPECT_NEAR(p(z, x), 0.5, 1e-15);
}

// A tournament table that lists every bot against itself: the diagonal rows are skipped and said, and the
// rest reads as if they were absent.
TEST(PairwiseScores, TheDiagonalOfATournamentTableIsSkippedWithANote) {
  const std::string off_diagonal = "a,b,score\nx,y,0.8\ny,z,0.3\nz,x,0.6\n";
  const ComparisonData with = ParsePairwiseScores(off_diagonal + "x,x,0.5\ny,y,0.5\n", "t.csv", {});
  const ComparisonData without = ParsePairwiseScores(off_diagonal, "t.csv", {});
  EXPECT_EQ(with.candidates, without.candidates);
  EXPECT_EQ(PreferencesOf(with), PreferencesOf(without));
  EXPECT_THAT(with.notes[0], ::testing::HasSubstr("2 row(s) of a candidate against itself"));
  EXPECT_THROW_WITH(ParsePairwiseScores("x,x,0.5\n", "t.csv", {}), ParseError, "no a,b,score rows");
  EXPECT_THROW_WITH(ParsePairwiseScores("x,,0.5\n", "t.csv", {}), ParseError, "t.csv:1", "needs two candidates");
}

TEST(PairwiseScores, ScoresOutsideTheRangeAreRejected) {
  EXPECT_THROW_WITH(ParsePairwiseScores("x,y,2\n", "s.csv", {}), ParseError, "s.csv:1", "outside the score range");
  EXPECT_THROW_WITH(ParsePairwiseScores("x,y,0.5,1\n", "s.csv", {}), ParseError, "4 fields");
}

TEST(ScoreTable, RanksEachRowWithThousandsSeparatorsUncertaintiesAndMissingValues) {
  const ComparisonData data = ReadComparisonFile(Fixture("scores.tsv"), {.format = "score-table"});
  EXPECT_EQ(data.candidates, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  const PairwiseTable table = Tabulate(data);
  EXPECT_EQ(table.counts(0, 1), 3);
  EXPECT_EQ(table.counts(0, 2), 2);  // gamma is missing in t2
  const Eigen::MatrixXd p = PreferencesOf(data);
  EXPECT_DOUBLE_EQ(p(0, 1), 0.5);  // 1,234.5 > 1,200; 10.5 < 12.0±0.3; 3 = 3
  EXPECT_DOUBLE_EQ(p(0, 2), 1.0);
  EXPECT_DOUBLE_EQ(p(1, 2), 1.0);
}

// A table whose header was commented out (`# game human random dqn`): the names come from that comment,
// with a note, and the table reads as with the header in place; a first row of numbers with no usable
// comment is refused instead of naming candidates "227.8" and "5.8".
TEST(ScoreTable, AHeaderInACommentIsUsedAndANumericHeaderRefused) {
  const std::string rows = "alien 227.8 5.8 3069\namidar 1719.5 -2.0 739.5\nassault 742.0 222.4 3359\n";
  const ComparisonData commented = ParseScoreTable("# Scores from a paper's table\n# game human random dqn\n" + rows, "s.txt");
  const ComparisonData plain = ParseScoreTable("game human random dqn\n" + rows, "s.txt");
  EXPECT_EQ(commented.candidates, (std::vector<std::string>{"human", "random", "dqn"}));
  EXPECT_EQ(Tabulate(commented).wins, Tabulate(plain).wins);
  EXPECT_THAT(commented.notes.back(), ::testing::HasSubstr("comment on line 2"));
  EXPECT_THROW_WITH(ParseScoreTable(rows, "s.txt"), ParseError, "s.txt:1", "holds numbers, not candidate names");
  EXPECT_THROW_WITH(ParseScoreTable("# game human\n" + rows, "s.txt"), ParseError, "s.txt:2", "4 fields");
}

// A row shorter than the header (pandas reads its last cells as NaN) has those cells missing, with a
// note; a longer one cannot be attributed and is refused.
TEST(ScoreTable, RaggedRowsAreMissingCellsAndNonNumbersNameTheLine) {
  const ComparisonData ragged = ParseScoreTable("a b c\n1 2 3\n4 5\n", "t.txt");
  const PairwiseTable t = Tabulate(ragged);
  EXPECT_EQ(t.counts(0, 1), 2);
  EXPECT_EQ(t.counts(0, 2), 1);  // c has no score in the second row
  EXPECT_THAT(ragged.notes.back(), ::testing::HasSubstr("1 row(s) shorter than the header"));
  EXPECT_THROW_WITH(ParseScoreTable("a b\n1 2\n1 2 3 4\n", "t.txt"), ParseError, "t.txt:3", "4 fields");
  EXPECT_THROW_WITH(ParseScoreTable("a,b\n1,x\n", "t.csv"), ParseError, "t.csv:2", "'x'", "candidate 'b'");
}

// Models as rows (a leaderboard export): --transpose reads it as the same table with tasks as rows.
TEST(ScoreTable, TransposeReadsModelsAsRows) {
  const ComparisonData tasks = ParseScoreTable("task,x,y,z\nt1,1,2,3\nt2,3,2,1\nt3,2,3,\n", "tasks.csv");
  const ComparisonData models =
      ParseScoreTable("model,t1,t2,t3\nx,1,3,2\ny,2,2,3\nz,3,1\n", "models.csv", {.transpose = true});
  EXPECT_EQ(models.candidates, tasks.candidates);
  EXPECT_EQ(Tabulate(models).wins, Tabulate(tasks).wins);
  EXPECT_EQ(Tabulate(models).counts, Tabulate(tasks).counts);
  EXPECT_THROW_WITH(ParseScoreTable("model,t1\nx,1\ny,bad\n", "m.csv", {.transpose = true}), ParseError,
                    "m.csv: column 2", "row 3", "'bad'", "candidate 'y'");
}

TEST(Preflib, TiesAndIncompleteOrdersFollowTheStatedConvention) {
  const ComparisonData data = ReadComparisonFile(Fixture("votes.toi"));
  EXPECT_EQ(data.format, "preflib");
  EXPECT_EQ(data.candidates, (std::vector<std::string>{"Alice", "Bob", "Carol", "Dave"}));
  const PairwiseTable table = Tabulate(data);
  EXPECT_EQ(table.wins(0, 1), 3);    // Alice over Bob in the 3 ballots 1,{2,3},4
  EXPECT_EQ(table.wins(1, 2), 3.5);  // Bob–Carol: 3 ties (1.5) + 2 (Bob ranked, Carol not)
  EXPECT_EQ(table.counts(0, 3), 5);  // Alice and Dave both unranked in "1: 3": not compared
  EXPECT_EQ(table.counts(2, 3), 4);
  ASSERT_FALSE(data.notes.empty());
  EXPECT_THAT(data.notes[0], ::testing::HasSubstr("unranked alternatives rank below every ranked one"));
}

// The same ballots in PrefLib's format before 2022 (count line, 'number,name' lines, totals, 'count,order')
// give the same table, with a note saying which format was read.
TEST(Preflib, TheFormatBefore2022ReadsAsTheCurrentOne) {
  const ComparisonData current = ReadComparisonFile(Fixture("votes.toi"));
  const ComparisonData legacy = ReadComparisonFile(Fixture("votes_legacy.toi"));
  EXPECT_EQ(legacy.candidates, current.candidates);
  EXPECT_EQ(Tabulate(legacy).wins, Tabulate(current).wins);
  EXPECT_EQ(Tabulate(legacy).counts, Tabulate(current).counts);
  EXPECT_THAT(legacy.notes.back(), ::testing::HasSubstr("format before 2022"));
  EXPECT_THROW_WITH(ParsePreflib("3\n1,A\n2,B\n", "v.soc"), ParseError, "v.soc:3", "format before 2022",
                    "expected '3,NAME'");
  EXPECT_THROW_WITH(ParsePreflib("2\n1,A\n2,B\n1: 1,2\n", "v.soc"), ParseError, "v.soc:4",
                    "'voters,sum of counts,distinct orders'");
  EXPECT_THROW_WITH(ParsePreflib("2\n1,A\n2,B\n1,1,1\n1: 1,2\n", "v.soc"), ParseError, "v.soc:5", "'count,order'");
  EXPECT_THROW_WITH(ParsePreflib("1: 1,2\n", "v.soc"), ParseError, "no '# NUMBER ALTERNATIVES", "format before 2022");
}

// PrefLib's data types that are not elections are refused by name, not read as a score table.
TEST(Preflib, OtherDataTypesAreRefusedByName) {
  const auto path = std::filesystem::temp_directory_path() / "nlhf_readers_test_matching.wmd";
  std::ofstream(path) << "# NUMBER ALTERNATIVES: 2\n1,5,1.0\n";
  EXPECT_THROW_WITH(ReadComparisonFile(path.string()), ParseError, "PrefLib .wmd file holds weighted matching data",
                    "not an election", ".soc, .soi, .toc, .toi");
  std::filesystem::remove(path);
}

TEST(Preflib, MalformedFilesAreRejected) {
  EXPECT_THROW_WITH(ParsePreflib("# ALTERNATIVE NAME 1: A\n1: 1\n", "v.soi"), ParseError, "bad PrefLib header",
                    "NUMBER ALTERNATIVES");
  EXPECT_THROW_WITH(ParsePreflib("# NUMBER ALTERNATIVES: 2\n1: 1,3\n", "v.soi"), ParseError, "v.soi:2",
                    "alternative 3 is outside 1..2");
  EXPECT_THROW_WITH(ParsePreflib("# NUMBER ALTERNATIVES: 3\n1: 1,{2,3}\n", "v.soc"), ParseError, "v.soc:2",
                    "tie group");
  EXPECT_THROW_WITH(ParsePreflib("# NUMBER ALTERNATIVES: 3\n1: 1,2\n", "v.soc"), ParseError, "v.soc:2",
                    "complete orders");
  EXPECT_THROW_WITH(ParsePreflib("# NUMBER ALTERNATIVES: 3\nten: 1,2,3\n", "v.soc"), ParseError, "count: order");
  EXPECT_THROW_WITH(ParsePreflib("# NUMBER ALTERNATIVES: 3\n1: 1,1,2\n", "v.soi"), ParseError, "appears twice");
}

TEST(ReadComparisonFile, DetectsAMatrix) {
  const ComparisonData data = ReadComparisonFile(std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt");
  EXPECT_EQ(data.format, "matrix");
  EXPECT_EQ(data.candidates.size(), 10u);
  ASSERT_TRUE(data.preferences.has_value());
}

}  // namespace
}  // namespace nlhf
