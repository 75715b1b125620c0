// A solve's trace as CSV, the one format `solve --trace`, `compare` and `reproduce` write.
#ifndef NLHF_IO_TRACE_CSV_H_
#define NLHF_IO_TRACE_CSV_H_

#include <string>

#include "nlhf/game.h"
#include "nlhf/solver.h"

namespace nlhf {

// Columns iteration, duality_gap, regularized_gap (nan for unregularized methods),
// min_log_probability, l1_change; with `game` and records that hold log-policies, one more column per
// action: log_pi_<a> in self-play, log_x_<a> and log_y_<a> for two players. Doubles in full precision.
std::string FormatTraceCsv(const SolveResult& result, const ZeroSumGame* game = nullptr);

// `text` as one CSV field: as it is, or quoted (inner quotes doubled, RFC 4180) where it holds a comma, a
// quote or a line break. For the tables nlhf writes beside its traces (rank --csv, run's runs.csv).
std::string CsvField(const std::string& text);

}  // namespace nlhf

#endif  // NLHF_IO_TRACE_CSV_H_
