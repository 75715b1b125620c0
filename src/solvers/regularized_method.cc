#include "nlhf/solvers/regularized_method.h"

#include <utility>

namespace nlhf {

RegularizedMethod::RegularizedMethod(double beta, PlayerVectors reference_log_policy)
    : beta_(beta), given_reference_(std::move(reference_log_policy)) {}

void RegularizedMethod::Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) {
  regularization_ = {beta_, GivenOrUniformLogPolicies(game, given_reference_, "reference policy")};
  log_policy_ = initial_log_policy;
}

}  // namespace nlhf
