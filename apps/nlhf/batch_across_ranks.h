// `mpirun -np K nlhf batch FILE`: one batch split over the ranks of an MPI job (docs/scale-out.md).
#ifndef NLHF_APPS_BATCH_ACROSS_RANKS_H_
#define NLHF_APPS_BATCH_ACROSS_RANKS_H_

#include "commands.h"
#include "nlhf/batch_solve.h"

namespace nlhf::cli {

// Each rank opens only its share of the file (nlhf/io/batch_file.h: a JSON Lines file by byte ranges) and
// solves it with its threads; rank 0 writes every rank's lines in input order, the same bytes one process
// writes, into one file renamed into place at the end (or to standard output). A bad game is reported by
// the rank that holds it, with its line number in the whole file, and the first in input order wins,
// whichever rank met it; that rank exits with its code (2 for input errors), the others quietly, and nothing
// is written.
int RunBatchAcrossRanks(const BatchArgs& args, const BatchSolveOptions& options);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_BATCH_ACROSS_RANKS_H_
