// Helpers shared by the tests: games by name and short solver calls.
#ifndef NLHF_TESTS_TESTING_H_
#define NLHF_TESTS_TESTING_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "nlhf/nlhf.h"

namespace nlhf::testing {

// A fresh folder `name` under the test temporary directory, owned by this process: two test runs on one
// machine (two checkouts, or a local ctest beside a CI run) never share one.
inline std::filesystem::path ScratchDir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline ZeroSumGame SelfPlay(const Eigen::MatrixXd& preferences) {
  return ZeroSumGame::FromPreferences(PreferenceGame(preferences));
}

// The real soccer matrix shipped in data/ (shared/data/soccer.txt).
inline ZeroSumGame SoccerGame() {
  const MatrixFile file = ReadMatrixFile(std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt");
  return SelfPlay(file.values);
}

inline SolveOptions PlainOptions(std::int64_t max_iterations, double gap_tolerance = 1e-9) {
  SolveOptions options;
  options.max_iterations = max_iterations;
  options.gap_tolerance = gap_tolerance;
  return options;
}

// Asserts that evaluating `statement` throws ExceptionType whose message contains every fragment.
#define EXPECT_THROW_WITH(statement, ExceptionType, ...)                                         \
  do {                                                                                           \
    try {                                                                                        \
      static_cast<void>(statement);                                                              \
      ADD_FAILURE() << "expected " #ExceptionType " from " #statement;                           \
    } catch (const ExceptionType& error) {                                                       \
      for (const std::string& fragment : std::vector<std::string>{__VA_ARGS__}) {                \
        EXPECT_THAT(error.what(), ::testing::HasSubstr(fragment));                               \
      }                                                                                          \
    }                                                                                            \
  } while (false)

// A Markdown table renders when every row has as many cells as its header (and a separator row follows
// the header): checked for each table of the report.
inline void ExpectMarkdownTablesRender(const std::string& markdown) {
  std::istringstream lines(markdown);
  int header_cells = -1, tables = 0;
  bool expect_separator = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') {
      header_cells = -1;
      continue;
    }
    const int cells = static_cast<int>(std::count(line.begin(), line.end(), '|')) - 1;
    if (header_cells < 0) {
      header_cells = cells;
      expect_separator = true;
      ++tables;
      continue;
    }
    EXPECT_EQ(cells, header_cells) << line;
    if (expect_separator) {
      EXPECT_EQ(line.find_first_not_of("|- "), std::string::npos) << "separator: " << line;
    }
    expect_separator = false;
  }
  EXPECT_GT(tables, 0);
}

}  // namespace nlhf::testing

#endif  // NLHF_TESTS_TESTING_H_
