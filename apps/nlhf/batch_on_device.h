// `nlhf batch FILE --device cuda`: OMWU on a CUDA device for a whole batch of small games (src/cuda/
// batch_omwu.h, docs/gpu.md), every answer then certified on the CPU.
#ifndef NLHF_APPS_BATCH_ON_DEVICE_H_
#define NLHF_APPS_BATCH_ON_DEVICE_H_

#include "commands.h"
#include "nlhf/batch_solve.h"

namespace nlhf::cli {

// Games of at most 16 responses whose algorithm is OMWU (named, or the default's choice) run on the device
// from the uniform policy, each with the step size the CPU would use (SolveWith's payoff-scaled default or
// the one given), to the tolerance or the iteration limit. Every game is then solved on the CPU from the
// device's last iterate (the initial policy) with the iterations left: that recomputes its gap (the
// certificate the line prints), polishes as the CPU path does, and finishes the stragglers; other games are
// solved on the CPU as without --device. The lines are those of the CPU path's format, in input order, with
// the device's iterations counted in.
int RunBatchOnDevice(const BatchArgs& args, const BatchSolveOptions& options);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_BATCH_ON_DEVICE_H_
