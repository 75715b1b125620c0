// Helpers shared by the tests: games by name and short solver calls.
#ifndef NLHF_TESTS_TESTING_H_
#define NLHF_TESTS_TESTING_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "nlhf/nlhf.h"

namespace nlhf::testing {

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

}  // namespace nlhf::testing

#endif  // NLHF_TESTS_TESTING_H_
