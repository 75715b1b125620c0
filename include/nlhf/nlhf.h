// Everything public in nlhf.
#ifndef NLHF_NLHF_H_
#define NLHF_NLHF_H_

#include "nlhf/error.h"
#include "nlhf/game.h"
#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/io/policy_file.h"
#include "nlhf/log_space_average.h"
#include "nlhf/metrics.h"
#include "nlhf/policy.h"
#include "nlhf/polish.h"
#include "nlhf/random.h"
#include "nlhf/registry.h"
#include "nlhf/solver.h"
#include "nlhf/solvers/exact_lp.h"
#include "nlhf/solvers/mwu.h"
#include "nlhf/solvers/omwu.h"

#endif  // NLHF_NLHF_H_
