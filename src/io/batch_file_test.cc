#include "nlhf/io/batch_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "nlhf/error.h"

namespace nlhf {
namespace {

using ::testing::HasSubstr;

std::string Line(int k) {
  return R"({"context": "c)" + std::to_string(k) + R"(", "preferences": [[0.5, )" + std::to_string(k % 2) +
         R"(], [)" + std::to_string(1 - k % 2) + R"(, 0.5]]})";
}

std::string Lines(int count) {
  std::string text;
  for (int k = 0; k < count; ++k) text += Line(k) + "\n";
  return text;
}

// Thousands of lines, parsed in parallel, come back in file order with their contexts and values.
TEST(ParseJsonLines, KeepsTheOrderOfTheFile) {
  const std::vector<BatchGame> games = ParseJsonLines("\n" + Lines(3000) + "\n  \n", "g.jsonl");
  ASSERT_EQ(games.size(), 3000u);
  for (int k = 0; k < 3000; ++k) {
    EXPECT_EQ(games[k].context, "c" + std::to_string(k));
    EXPECT_EQ(games[k].preferences(0, 1), k % 2);
    EXPECT_EQ(games[k].where, "g.jsonl:" + std::to_string(k + 2));  // after the blank first line
  }
}

TEST(ParseJsonLines, ContextDefaultsToTheLineNumberAndFeaturesAreRead) {
  const std::vector<BatchGame> games = ParseJsonLines(
      "{\"preferences\": [[0.5]]}\n{\"context\": 7, \"preferences\": [[0.5]], \"features\": [1, -2.5]}\n", "g.jsonl");
  ASSERT_EQ(games.size(), 2u);
  EXPECT_EQ(games[0].context, "1");
  EXPECT_EQ(games[1].context, "7");
  EXPECT_EQ(games[1].features, (std::vector<double>{1, -2.5}));
}

// With several bad lines among many, the error names the first, as a line-by-line reader would.
TEST(ParseJsonLines, ReportsTheFirstBadLine) {
  std::string text = Lines(5000);
  const auto replace_line = [&](int number, const std::string& content) {
    size_t start = 0;
    for (int k = 1; k < number; ++k) start = text.find('\n', start) + 1;
    text.replace(start, text.find('\n', start) - start, content);
  };
  replace_line(4990, R"({"preferences": [[0.5, 0.5], [0.5]]})");
  replace_line(3001, R"({"preferences": [[0.5, "x"], [0.5, 0.5]]})");
  replace_line(4000, "{not json");
  try {
    ParseJsonLines(text, "g.jsonl");
    FAIL() << "expected a ParseError";
  } catch (const ParseError& error) {
    EXPECT_THAT(error.what(), HasSubstr("g.jsonl:3001"));
    EXPECT_THAT(error.what(), HasSubstr("expected a number"));
  }
}

TEST(ParseJsonLines, RejectsPayoffGamesBadFeaturesAndEmptyFiles) {
  EXPECT_THROW(ParseJsonLines("{\"payoff\": [[0]]}\n", "g.jsonl"), ParseError);
  EXPECT_THROW(ParseJsonLines("{\"preferences\": [[0.5]], \"features\": [1, \"a\"]}\n", "g.jsonl"), ParseError);
  EXPECT_THROW(ParseJsonLines("\n \n", "g.jsonl"), ParseError);
}

}  // namespace
}  // namespace nlhf
