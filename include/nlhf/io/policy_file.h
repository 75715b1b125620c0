// Initial policies from JSON files of log-probabilities (values like −5000 are fine).
//
// Accepted: a bare array [l_1, ..., l_n]; {"log_policy": [...]}; or two players' arrays
// {"log_policy": [[row...], [column...]]}. The JSON that `nlhf solve --json` prints is accepted too.
#ifndef NLHF_IO_POLICY_FILE_H_
#define NLHF_IO_POLICY_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "nlhf/policy.h"
#include "nlhf/solver.h"

namespace nlhf {

PlayerVectors ReadLogPolicyFile(const std::string& path);
PlayerVectors ParseLogPolicyJson(std::string_view text, const std::string& path);

// The starting point the command line's --init and Python's init= name: "uniform", "random" (logits
// drawn from `seed`), "exact" or "exact:SHARE" (an exact solver's equilibrium with SHARE, default 1e-6, of
// the uniform policy mixed in: InitialPolicy::Kind::kExact), or the path of a file of log-probabilities
// (read here).
InitialPolicy ParseInitialPolicy(const std::string& spec, std::uint64_t seed);

}  // namespace nlhf

#endif  // NLHF_IO_POLICY_FILE_H_
