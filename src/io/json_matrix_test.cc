#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(JsonMatrix, ReadsResponsesAndPreferences) {
  const MatrixFile m = ParseJsonMatrix(
      R"({"responses": ["a", "b"], "preferences": [[0.5, 0.3], [0.7, 0.5]]})", "p.json");
  EXPECT_EQ(m.row_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_DOUBLE_EQ(m.values(1, 0), 0.7);
  EXPECT_FALSE(m.is_payoff);
}

TEST(JsonMatrix, ReadsAPayoffMatrixWithItsActions) {
  const MatrixFile m = ParseJsonMatrix(R"({"payoff": [[1, 2, 3]], "column_actions": ["x", "y", "z"]})", "g.json");
  EXPECT_TRUE(m.is_payoff);
  EXPECT_EQ(m.values.cols(), 3);
  EXPECT_EQ(m.column_names[2], "z");
}

TEST(JsonMatrix, SyntaxErrorsNameLineAndColumn) {
  EXPECT_THROW_WITH(ParseJsonMatrix("{\n  \"preferences\": [[0.5,]]\n}", "p.json"), ParseError, "p.json:2:",
                    "invalid JSON");
}

TEST(JsonMatrix, ANonNumberEntryIsNamedByItsPath) {
  EXPECT_THROW_WITH(ParseJsonMatrix(R"({"preferences": [[0.5, "x"], [0.5, 0.5]]})", "p.json"), ParseError,
                    "preferences[0][1]", "expected a number", "string");
}

TEST(JsonMatrix, RaggedRowsAndMissingKeysAreRejected) {
  EXPECT_THROW_WITH(ParseJsonMatrix(R"({"preferences": [[0.5, 0.5], [0.5]]})", "p.json"), ParseError,
                    "preferences[1] has 1 entries");
  EXPECT_THROW_WITH(ParseJsonMatrix(R"({"matrix": [[0.5]]})", "p.json"), ParseError, "\"preferences\"");
  EXPECT_THROW_WITH(ParseJsonMatrix(R"([[0.5]])", "p.json"), ParseError, "expected a JSON object");
}

TEST(JsonMatrix, RoundTripsWithNamesAndEquilibrium) {
  MatrixFile m;
  m.values = Eigen::MatrixXd::Random(3, 3);
  m.row_names = {"x", "y", "z"};
  m.nash_equilibrium = Eigen::Vector3d(0.2, 0.3, 0.5);
  const MatrixFile back = ParseJsonMatrix(FormatJsonMatrix(m), "m.json");
  EXPECT_EQ(back.values, m.values);
  EXPECT_EQ(back.row_names, m.row_names);
  ASSERT_TRUE(back.nash_equilibrium.has_value());
  EXPECT_EQ(*back.nash_equilibrium, *m.nash_equilibrium);
}

}  // namespace
}  // namespace nlhf
