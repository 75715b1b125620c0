#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(TextMatrix, ReadsWhitespaceCommasCommentsAndBlankLines) {
  const MatrixFile m = ParseTextMatrix("# a comment\n\n0.5, 0.25 # trailing\n0.75\t0.5\n", "p.txt");
  ASSERT_EQ(m.values.rows(), 2);
  EXPECT_DOUBLE_EQ(m.values(0, 1), 0.25);
  EXPECT_DOUBLE_EQ(m.values(1, 0), 0.75);
  EXPECT_EQ(m.source.row_lines, (std::vector<int>{3, 4}));
  EXPECT_TRUE(m.row_names.empty());
}

TEST(TextMatrix, ReadsTheSoccerDataFile) {
  const MatrixFile m = ReadMatrixFile(std::string(NLHF_SOURCE_DIR) + "/data/soccer.txt");
  ASSERT_EQ(m.values.rows(), 10);
  ASSERT_EQ(m.values.cols(), 10);
  EXPECT_DOUBLE_EQ(m.values(0, 1), 4.367475699999999739e-01);
}

TEST(TextMatrix, AnOptionalHeaderRowNamesTheResponses) {
  const MatrixFile m = ParseTextMatrix("rock paper scissors\n.5 0 1\n1 .5 0\n0 1 .5\n", "rps.txt");
  EXPECT_EQ(m.row_names, (std::vector<std::string>{"rock", "paper", "scissors"}));
  EXPECT_EQ(m.values.rows(), 3);
}

TEST(TextMatrix, RejectsANonNumberWithLineAndColumn) {
  EXPECT_THROW_WITH(ParseTextMatrix("0.5 0.5\n0.5 abc\n", "p.txt"), ParseError, "p.txt:2:5", "'abc'",
                    "not a number");
}

TEST(TextMatrix, RejectsRaggedRowsNamingTheLine) {
  EXPECT_THROW_WITH(ParseTextMatrix("0.5 0.5\n# c\n0.5\n", "p.txt"), ParseError, "p.txt:3", "1 entries",
                    "has 2");
}

TEST(TextMatrix, RejectsAnEmptyFile) {
  EXPECT_THROW_WITH(ParseTextMatrix("# only a comment\n\n", "e.txt"), ParseError, "e.txt", "no matrix rows");
}

TEST(TextMatrix, KeepsNaNSoThatValidationNamesItsPosition) {
  const MatrixFile m = ParseTextMatrix("0.5 nan\n0.5 0.5\n", "p.txt");
  EXPECT_TRUE(std::isnan(m.values(0, 1)));
  EXPECT_THROW_WITH(PreferenceGame(m.values, {}, {}, m.source), InvalidArgument, "p.txt:1: row 1, column 2",
                    "finite");
}

TEST(TextMatrix, RoundTripsExactly) {
  MatrixFile m;
  m.values = Eigen::MatrixXd::Random(4, 4);
  m.nash_equilibrium = Eigen::Vector4d(0.1, 0.2, 0.3, 0.4);
  const MatrixFile back = ParseTextMatrix(FormatTextMatrix(m), "x.txt");
  EXPECT_EQ(back.values, m.values);
}

TEST(MatrixFile, RejectsContentThatContradictsTheExtension) {
  EXPECT_THROW_WITH(ReadMatrixFile(std::string(NLHF_SOURCE_DIR) + "/tests/data/looks_like_json.txt"),
                    ParseError, "looks like JSON", ".json");
}

TEST(MatrixFile, MissingFileIsNamed) {
  EXPECT_THROW_WITH(ReadMatrixFile("/nonexistent/p.txt"), InvalidArgument, "cannot open '/nonexistent/p.txt'");
}

}  // namespace
}  // namespace nlhf
