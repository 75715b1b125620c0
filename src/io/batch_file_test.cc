#include "nlhf/io/batch_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/batch_line_fast.h"
#include "io/npy_array.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "testing.h"

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

// A file of several megabytes is scanned for its lines in byte ranges: the line numbers are those of one pass,
// whatever falls at a range's edge (blank lines, Windows line ends, a last line without its newline).
TEST(ParseJsonLines, NumbersTheLinesOfALargeFileAsOnePassWould) {
  std::string text;
  std::vector<int> numbers;
  int number = 0;
  for (int k = 0; text.size() < (5u << 20); ++k) {
    const int blank_lines = k % 7 == 0 ? 1 + k % 3 : 0;
    for (int b = 0; b < blank_lines; ++b) text += b % 2 == 0 ? "\n" : " \t\r\n";
    number += blank_lines + 1;
    numbers.push_back(number);
    text += Line(k) + (k % 5 == 0 ? "\r\n" : "\n");
  }
  text.pop_back();  // the last line without its newline
  const std::vector<BatchGame> games = ParseJsonLines(text, "big.jsonl");
  ASSERT_EQ(games.size(), numbers.size());
  for (std::size_t k = 0; k < games.size(); ++k) {
    ASSERT_EQ(games[k].where, "big.jsonl:" + std::to_string(numbers[k])) << k;
    ASSERT_EQ(games[k].context, "c" + std::to_string(k));
  }
}

// Byte ranges of every small size, so that range edges fall everywhere: on newlines, inside lines, on blank
// lines and inside a Windows line end.
TEST(ParseJsonLines, LinesFoundInByteRangesAreThoseOfOnePass) {
  const std::string text = "\n\n{\"a\":1}\r\n \t\n{\"b\":[1,\n2]}\n\r\n\n\nx\ny\r\n   z  \n\n{}";
  const auto one_pass = internal::NonBlankJsonLines(text, text.size() + 1);
  const std::vector<std::pair<int, std::string_view>> expected{
      {3, "{\"a\":1}\r"}, {5, "{\"b\":[1,"}, {6, "2]}"}, {10, "x"}, {11, "y\r"}, {12, "   z  "}, {14, "{}"}};
  EXPECT_EQ(one_pass, expected);
  for (std::size_t range_bytes = 1; range_bytes <= text.size(); ++range_bytes) {
    EXPECT_EQ(internal::NonBlankJsonLines(text, range_bytes), expected) << range_bytes << " bytes per range";
  }
  EXPECT_TRUE(internal::NonBlankJsonLines("", 1).empty());
  EXPECT_TRUE(internal::NonBlankJsonLines("\n \r\n\t", 1).empty());
}

// The shares of `mpirun nlhf batch`: every line lies in exactly one share (the one holding its first byte),
// and the shares' lines renumbered after the newlines before them are the lines of one pass, for any count
// of parts, more parts than lines included.
TEST(ParseJsonLines, SharesOfTheBytesHoldTheLinesOfOnePassInOrder) {
  const std::string text = "\n\n{\"a\":1}\r\n \t\n{\"b\":[1,\n2]}\n\r\n\n\nx\ny\r\n   z  \n\n{}";
  const auto one_pass = internal::NonBlankJsonLines(text, text.size() + 1);
  for (int parts = 1; parts <= static_cast<int>(text.size()) + 3; ++parts) {
    std::vector<std::pair<int, std::string_view>> joined;
    std::size_t lines_before = 0;
    for (int part = 0; part < parts; ++part) {
      std::size_t newlines = 0;
      for (auto [number, line] : internal::ShareOfJsonLines(text, part, parts, newlines)) {
        joined.emplace_back(number + static_cast<int>(lines_before), line);
      }
      lines_before += newlines;
    }
    EXPECT_EQ(joined, one_pass) << parts << " parts";
    EXPECT_EQ(lines_before, 13u);  // every newline counted once
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

// A float32 array in Fortran order, as numpy.save writes np.asfortranarray(P.astype(np.float32)): game k's
// entry (i, j) lies at k + count·(i + n·j).
TEST(ParseNpyBatch, ReadsFloat32InFortranOrderGameByGame) {
  const int count = 3, n = 2;
  std::string header = "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2, 2), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header.push_back('\n');
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
  std::vector<float> data(count * n * n);
  const auto entry = [](int k, int i, int j) { return i == j ? 0.5f : (i < j ? 0.25f * k : 1 - 0.25f * k); };
  for (int k = 0; k < count; ++k) {
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) data[k + count * (i + n * j)] = entry(k, i, j);
    }
  }
  bytes.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float));
  const std::vector<BatchGame> games = ParseNpyBatch(bytes, "g.npy");
  ASSERT_EQ(games.size(), 3u);
  for (int k = 0; k < count; ++k) {
    EXPECT_EQ(games[k].context, std::to_string(k));
    EXPECT_EQ(games[k].where, "g.npy[" + std::to_string(k) + "]");
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) EXPECT_EQ(games[k].preferences(i, j), entry(k, i, j)) << k << i << j;
    }
  }
}

// What `nlhf generate --count N --out games.npy` writes reads back game by game; a 2-D array is one game.
TEST(ParseNpyBatch, ReadsWhatFormatNpyBatchWritesAndOneMatrixAsOneGame) {
  Eigen::MatrixXd first(2, 2), second(2, 2);
  first << 0.5, 0.125, 0.875, 0.5;
  second << 0.5, 1, 0, 0.5;
  const std::vector<BatchGame> games =
      ParseNpyBatch(FormatNpyBatchHeader(2, 2) + FormatNpyBatchGame(first) + FormatNpyBatchGame(second), "g.npy");
  ASSERT_EQ(games.size(), 2u);
  EXPECT_EQ(games[0].preferences, first);
  EXPECT_EQ(games[1].preferences, second);
  MatrixFile one;
  one.values = first;
  const std::vector<BatchGame> single = ParseNpyBatch(FormatNpyMatrix(one), "one.npy");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].preferences, first);
  const std::string four_d = internal::FormatNpyHeader("(1, 1, 1, 1)") + std::string(8, '\0');
  EXPECT_THROW_WITH(ParseNpyBatch(four_d, "g.npy"), ParseError, "must be 3-D (games, n, n)");
  EXPECT_THROW_WITH(ParseNpyBatch(FormatNpyBatchHeader(0, 2), "g.npy"), ParseError, "a batch needs 1 to 2147483647 games");
}

// A batch file opened to be taken game by game gives what reading it whole gives: a .npy file's games made
// from the mapping (in any order, from several threads), a JSON Lines file's as parsed.
TEST(BatchFile, TakesEachGameAsReadingTheWholeFileGivesIt) {
  const std::filesystem::path dir = nlhf::testing::ScratchDir("nlhf_batch_file");
  std::string npy = FormatNpyBatchHeader(40, 3);
  for (int k = 0; k < 40; ++k) {
    Eigen::MatrixXd p(3, 3);
    const double a = 0.5 + 0.01 * k;
    p << 0.5, a, 0.25, 1 - a, 0.5, 0.75, 0.75, 0.25, 0.5;
    npy += FormatNpyBatchGame(p);
  }
  // A byte-order mark, a blank line, and a line with a key of its own (read by the general reader).
  const std::string jsonl = "\xEF\xBB\xBF{\"preferences\": [[0.5, 0.1], [0.9, 0.5]], \"context\": \"q1\", \"responses\": [\"a\", \"b\"]}\n"
                            "\n{\"preferences\": [[0.5, 0.7], [0.3, 0.5]]}\n"
                            "{\"preferences\": [[0.5, 0.6], [0.4, 0.5]], \"note\": {\"by\": \"x\"}, \"features\": [1]}";
  for (const auto& [name, content] : {std::pair{std::string("games.npy"), npy}, std::pair{std::string("games.jsonl"), jsonl}}) {
    const std::string path = (dir / name).string();
    WriteFileAtomically(path, content);
    const std::vector<BatchGame> whole = ReadBatchFile(path);
    BatchFile file(path);
    ASSERT_EQ(file.size(), whole.size()) << name;
    std::vector<BatchGame> taken(file.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::size_t k = 0; k < file.size(); ++k) taken[file.size() - 1 - k] = file.Take(file.size() - 1 - k);
    for (std::size_t k = 0; k < whole.size(); ++k) {
      EXPECT_EQ(taken[k].preferences, whole[k].preferences) << name << " game " << k;
      EXPECT_EQ(taken[k].context, whole[k].context);
      EXPECT_EQ(taken[k].where, whole[k].where);
      EXPECT_EQ(taken[k].responses, whole[k].responses);
      EXPECT_EQ(taken[k].features, whole[k].features);
    }
  }
  // Shares of the file (ranks of `mpirun nlhf batch`): the games in order, named as in the whole file.
  for (const std::string name : {"games.npy", "games.jsonl"}) {
    const std::string path = (dir / name).string();
    const std::vector<BatchGame> whole = ReadBatchFile(path);
    std::vector<BatchGame> joined;
    std::size_t lines_before = 0;
    for (int part = 0; part < 3; ++part) {
      BatchFile share(path, {.part = part, .parts = 3});
      share.NumberLinesAfter(lines_before);
      lines_before += share.lines_in_share();
      for (std::size_t k = 0; k < share.size(); ++k) joined.push_back(share.Take(k));
    }
    ASSERT_EQ(joined.size(), whole.size()) << name;
    for (std::size_t k = 0; k < whole.size(); ++k) {
      EXPECT_EQ(joined[k].preferences, whole[k].preferences) << name << " game " << k;
      EXPECT_EQ(joined[k].context, whole[k].context);
      EXPECT_EQ(joined[k].where, whole[k].where);
    }
  }
  EXPECT_THROW(BatchFile((dir / "games.npy").string(), {.part = 3, .parts = 3}), InvalidArgument);
  // A JSON Lines file's bad line is found when its game is taken, named by its line as reading whole names it.
  const std::string bad = (dir / "bad.jsonl").string();
  WriteFileAtomically(bad, jsonl + "\n\n{\"preferences\": [[0.5, 0.5], [0.5]]}\n");
  EXPECT_THROW_WITH(ReadBatchFile(bad), ParseError, "bad.jsonl:6");
  BatchFile opened(bad);
  ASSERT_EQ(opened.size(), 4u);
  EXPECT_EQ(opened.Take(2).where, (dir / "bad.jsonl").string() + ":4");
  EXPECT_THROW_WITH(opened.Take(3), ParseError, "bad.jsonl:6");
  WriteFileAtomically(bad, "\n \n");
  EXPECT_THROW_WITH(BatchFile{bad}, ParseError, "no games");
  EXPECT_THROW_WITH(BatchFile((dir / "missing.npy").string()), InvalidArgument, "missing.npy");
}

}  // namespace
}  // namespace nlhf
