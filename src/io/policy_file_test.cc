#include "nlhf/io/policy_file.h"

#include "nlhf/error.h"
#include "testing.h"

namespace nlhf {
namespace {

TEST(PolicyFile, ReadsABareArrayWithHugeNegativeValues) {
  const PlayerVectors v = ParseLogPolicyJson("[0, -5000, -1e4]", "i.json");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0][1], -5000);
  EXPECT_EQ(v[0][2], -1e4);
}

TEST(PolicyFile, ReadsTheLogPolicyKeyForOneOrTwoPlayers) {
  EXPECT_EQ(ParseLogPolicyJson(R"({"log_policy": [-1, -2]})", "i.json")[0].size(), 2);
  const PlayerVectors two = ParseLogPolicyJson(R"({"log_policy": [[-1, -2], [-3, -4, -5]]})", "i.json");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].size(), 3);
}

TEST(PolicyFile, RejectsNullsStringsAndEmptyArrays) {
  EXPECT_THROW_WITH(ParseLogPolicyJson("[0, null]", "i.json"), ParseError, "i.json", "[1] is null", "finite");
  EXPECT_THROW_WITH(ParseLogPolicyJson(R"([0, "a"])", "i.json"), ParseError, "expected a number");
  EXPECT_THROW_WITH(ParseLogPolicyJson("[]", "i.json"), ParseError, "non-empty");
  EXPECT_THROW_WITH(ParseLogPolicyJson(R"({"policy": [1]})", "i.json"), ParseError, "\"log_policy\"");
}

}  // namespace
}  // namespace nlhf
