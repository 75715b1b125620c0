// The common JSON Lines batch line read with simdjson's On-Demand API: reading 100,000 games of n = 10
// (184 MB) with nlohmann took 2 s on two cores, most of `nlhf batch`'s time (docs/benchmarks.md).
//
// The fast reader accepts only the shape `nlhf generate` writes and people produce:
//   {"preferences": [[numbers], ...], "responses": ["names"], "context": "a string", "features": [numbers]}
// with "responses", "context" and "features" optional, each key once, nothing else. For any other line
// (other keys, other types, a ragged or empty matrix, invalid JSON) it answers "not mine", and the batch
// reader reads that line with the general reader (batch_file.cc, nlohmann), which gives the same game or
// the positioned error message. So whatever the fast reader accepts, the general one accepts with the same
// numbers (fuzz/json_lines_fuzzer.cc checks this on every input), and every error message is unchanged.
#ifndef NLHF_SRC_IO_BATCH_LINE_FAST_H_
#define NLHF_SRC_IO_BATCH_LINE_FAST_H_

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlhf/io/batch_file.h"

namespace nlhf::internal {

// The general reader of one batch line (nlohmann; batch_file.cc): every shape, every error message.
BatchGame ParseBatchLine(std::string_view line, int line_number, const std::string& path);

// The non-blank lines of a JSON Lines text as (1-based line number, content), found in parallel in byte ranges
// of about `range_bytes` (at most 64 of them), each range starting after a newline so that it holds whole
// lines, and numbered as one pass over the text numbers them (the scan was a tenth of a 100,000-game batch on
// one thread). The fuzzer compares tiny ranges with one pass.
std::vector<std::pair<int, std::string_view>> NonBlankJsonLines(std::string_view text, std::size_t range_bytes = 1 << 20);

// Part `part` of `parts` of a JSON Lines text (nlhf/io/batch_file.h, BatchShare): the non-blank lines whose
// first byte lies in bytes [part·S/parts, (part + 1)·S/parts), numbered from 1 at the share's first byte,
// and in `newlines` the newlines of the share's bytes (what the next shares' numbers start after). The
// shares' lines, each renumbered after the newlines before it, are the lines of one pass (the fuzzer
// checks it).
std::vector<std::pair<int, std::string_view>> ShareOfJsonLines(std::string_view text, int part, int parts,
                                                                std::size_t& newlines);

// One per thread: it holds simdjson's parser and reusable buffers.
class FastBatchLineReader {
 public:
  // Reads `line`, a part of `buffer` (the bytes after it in `buffer` serve as simdjson's padding where
  // there are enough of them), line `line_number` of the file `path`, into `game` as the general reader
  // would. Returns false, with `game` unspecified, where the line is not of the shape above or not valid
  // JSON.
  bool Read(std::string_view buffer, std::string_view line, int line_number, const std::string& path,
            BatchGame& game);

 private:
  bool ReadDocument(simdjson::padded_string_view line, BatchGame& game);

  simdjson::ondemand::parser parser_;
  std::string padded_line_;     // a copy of a line too close to the end of its buffer
  std::vector<double> entries_;  // the matrix's entries, row by row
  bool has_context_ = false;     // whether the line being read has a "context"
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_IO_BATCH_LINE_FAST_H_
