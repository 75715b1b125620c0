// Initial policies from JSON files of log-probabilities (values like −5000 are fine).
//
// Accepted: a bare array [l_1, ..., l_n]; {"log_policy": [...]}; or two players' arrays
// {"log_policy": [[row...], [column...]]}. The JSON that `nlhf solve --json` prints is accepted too.
#ifndef NLHF_IO_POLICY_FILE_H_
#define NLHF_IO_POLICY_FILE_H_

#include <string>
#include <string_view>

#include "nlhf/policy.h"

namespace nlhf {

PlayerVectors ReadLogPolicyFile(const std::string& path);
PlayerVectors ParseLogPolicyJson(std::string_view text, const std::string& path);

}  // namespace nlhf

#endif  // NLHF_IO_POLICY_FILE_H_
