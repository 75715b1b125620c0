// JSON Lines batches (`nlhf batch FILE.jsonl`): one game per line, parsed in parallel. Each line is also read
// by both line readers on its own: whatever the simdjson fast path accepts, the general reader must accept
// with the same game (io/batch_line_fast.h), and the lines found in parallel byte ranges must be those of one
// pass, as must the lines of the shares that the ranks of `mpirun nlhf batch` read; a difference is a
// finding.
#include "fuzz_target.h"
#include "io/batch_line_fast.h"
#include "matrix_checks.h"
#include "nlhf/io/batch_file.h"

namespace {

bool SameGame(const nlhf::BatchGame& a, const nlhf::BatchGame& b) {
  // Entries compare as numbers: nlohmann reads the integer -0 as +0, simdjson as -0.0.
  return a.context == b.context && a.where == b.where && a.responses == b.responses && a.features == b.features &&
         a.preferences.rows() == b.preferences.rows() && a.preferences.cols() == b.preferences.cols() &&
         a.preferences == b.preferences;
}

void CompareLineReaders(std::string_view text) {
  nlhf::internal::FastBatchLineReader fast_reader;
  int line_number = 0;
  for (size_t position = 0; position <= text.size();) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    nlhf::BatchGame fast;
    if (!fast_reader.Read(text, line, line_number, "fuzz.jsonl", fast)) continue;
    try {
      if (!SameGame(fast, nlhf::internal::ParseBatchLine(line, line_number, "fuzz.jsonl"))) __builtin_trap();
    } catch (const nlhf::Error&) {
      __builtin_trap();  // the fast path accepted a line the general reader refuses
    }
  }
}

// The lines found in small byte ranges (in parallel) are those of one pass, with the same numbers.
void CompareLineScans(std::string_view text) {
  const auto one_pass = nlhf::internal::NonBlankJsonLines(text, text.size() + 1);
  for (std::size_t range_bytes : {1, 3, 17}) {
    if (nlhf::internal::NonBlankJsonLines(text, range_bytes) != one_pass) __builtin_trap();
  }
}

// The lines of the shares that ranks of `mpirun nlhf batch` read (each from its own bytes), renumbered after
// the newlines of the shares before, are the lines of one pass.
void CompareShares(std::string_view text) {
  const auto one_pass = nlhf::internal::NonBlankJsonLines(text, text.size() + 1);
  for (int parts : {2, 3, 7}) {
    std::vector<std::pair<int, std::string_view>> joined;
    std::size_t lines_before = 0;
    for (int part = 0; part < parts; ++part) {
      std::size_t newlines = 0;
      for (auto [number, line] : nlhf::internal::ShareOfJsonLines(text, part, parts, newlines)) {
        joined.emplace_back(number + static_cast<int>(lines_before), line);
      }
      lines_before += newlines;
    }
    if (joined != one_pass) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nlhf::fuzz::Guard(data, size, [](std::string_view text) {
    CompareLineReaders(text);
    CompareLineScans(text);
    CompareShares(text);
    for (const nlhf::BatchGame& game : nlhf::ParseJsonLines(text, "fuzz.jsonl")) {
      const nlhf::PreferenceGame preferences(game.preferences, game.responses);
      (void)preferences;
    }
  });
}
