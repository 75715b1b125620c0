#include "io/batch_line_fast.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nlhf/error.h"

namespace nlhf::internal {
namespace {

// Reads `line` with the fast reader (the line is the whole buffer, so its padding is copied).
bool ReadFast(const std::string& line, BatchGame& game) {
  FastBatchLineReader reader;
  return reader.Read(line, line, 3, "g.jsonl", game);
}

TEST(FastBatchLineReader, ReadsTheCommonShapeAsTheGeneralReaderDoes) {
  const std::string line =
      R"({"context": "q17", "responses": ["a", "b\u00e9"], "preferences": [[0.5, 0.25], [0.75, 5e-1]], )"
      R"("features": [1, -2.5e3]})";
  // An escaped string is the general reader's: the same line without the escape is the fast reader's.
  BatchGame game;
  EXPECT_FALSE(ReadFast(line, game));
  const std::string plain = R"({"context": "q17", "responses": ["a", "bé"], "preferences": [[0.5, 0.25], )"
                            R"([0.75, 5e-1]], "features": [1, -2.5e3]})";
  ASSERT_TRUE(ReadFast(plain, game));
  EXPECT_EQ(game.context, "q17");
  EXPECT_EQ(game.responses, (std::vector<std::string>{"a", "bé"}));
  ASSERT_EQ(game.preferences.rows(), 2);
  ASSERT_EQ(game.preferences.cols(), 2);
  EXPECT_EQ(game.preferences(0, 1), 0.25);  // row-major in the file, (row, column) in the matrix
  EXPECT_EQ(game.preferences(1, 0), 0.75);
  EXPECT_EQ(game.preferences(1, 1), 0.5);
  EXPECT_EQ(game.features, (std::vector<double>{1, -2500}));
  EXPECT_EQ(game.where, "g.jsonl:3");

  const BatchGame general = ParseBatchLine(plain, 3, "g.jsonl");
  EXPECT_EQ(general.context, game.context);
  EXPECT_EQ(general.responses, game.responses);
  EXPECT_EQ(general.preferences, game.preferences);
  EXPECT_EQ(general.features, game.features);
  EXPECT_EQ(general.where, game.where);
}

TEST(FastBatchLineReader, ContextDefaultsToTheLineNumber) {
  BatchGame game;
  ASSERT_TRUE(ReadFast(R"({"preferences": [[0.5]]})", game));
  EXPECT_EQ(game.context, "3");
  EXPECT_TRUE(game.responses.empty());
  EXPECT_TRUE(game.features.empty());
}

// Every line outside the common shape goes to the general reader, which accepts it or names the error.
TEST(FastBatchLineReader, LeavesEveryOtherLineToTheGeneralReader) {
  for (const std::string line : {
           R"({"preferences": [[0.5]], "nash_equilibrium": [1]})",  // a key it does not read
           R"({"preferences": [[0.5]], "preferences": [[0.5]]})",    // a key twice
           R"({"preferences": [[0.5]]} {"preferences": [[0.5]]})",   // something after the object
           R"({"preferences": [[0.5]]} x)",
           R"({"preferences": [[0.5, 0.5], [0.5]]})",                // ragged
           R"({"preferences": [[]]})", R"({"preferences": []})",     // empty
           R"({"preferences": [[1e400]]})",                          // beyond a double
           R"({"preferences": [[0.5]], "context": 7})",              // a context that is not a string
           R"({"preferences": [[0.5]], "responses": [1]})",          // a name that is not a string
           R"({"preferences": [[0.5]], "features": []})",
           R"({"preferences": [[0.5]], "features": [true]})",
           R"({"payoff": [[0.5]]})", R"([[0.5]])", R"({"preferences": [[0.5]])", "{not json",
           "{\"preferences\": [[0.5]], \"context\": \"a\tb\"}",       // an unescaped control character
       }) {
    BatchGame game;
    EXPECT_FALSE(ReadFast(line, game)) << line;
  }
}

// A line in the middle of a buffer is read in place, the bytes after it standing in for simdjson's padding;
// they must not change what is read.
TEST(FastBatchLineReader, ReadsALineInPlaceWithoutLookingPastIt) {
  const std::string first = R"({"preferences": [[0.5, 1], [0, 0.5]]})";
  const std::string buffer = first + "\n" + R"(]]]] "unterminated {"preferences": [[7]]} 1e400 )" +
                             std::string(200, 'x');
  FastBatchLineReader reader;
  BatchGame game;
  ASSERT_TRUE(reader.Read(buffer, std::string_view(buffer).substr(0, first.size()), 1, "g.jsonl", game));
  EXPECT_EQ(game.preferences(0, 1), 1);
  EXPECT_EQ(game.preferences(1, 0), 0);
}

}  // namespace
}  // namespace nlhf::internal
