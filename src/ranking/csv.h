// A small RFC 4180 CSV reader that keeps line numbers for error messages. Hand-written because the one
// Debian C++ candidate (libcsv) is a C callback parser without line tracking, and the format is small:
// fields separated by a delimiter, optionally double-quoted with "" for a quote, `#` comment lines.
#ifndef NLHF_SRC_RANKING_CSV_H_
#define NLHF_SRC_RANKING_CSV_H_

#include <string>
#include <string_view>
#include <vector>

namespace nlhf::internal {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// Rows of `text`; blank lines and lines starting with '#' are skipped. Fields are trimmed of
// surrounding spaces unless quoted. Throws ParseError "path:line: unterminated quoted field".
std::vector<CsvRow> ReadCsv(std::string_view text, const std::string& path, char delimiter = ',');

// Splits on runs of spaces and tabs (for whitespace-separated tables), with the same conventions.
std::vector<CsvRow> ReadWhitespaceTable(std::string_view text);

// `s` in ASCII lower case (column names and format words are matched case-insensitively).
std::string Lowercase(std::string s);

// The spelling in `names` of the column (or JSON field) `wanted`, matched case-insensitively; "" when
// there is none.
std::string FindColumn(const std::vector<std::string>& names, const std::string& wanted);

// `s` without surrounding spaces, tabs and carriage returns.
std::string_view Trim(std::string_view s);

// A number like 12.5, 1,234.5 (thousands separators) or 12.3±0.4 / 12.3+-0.4 (the uncertainty is
// dropped); false when `text` is not one.
bool ParseLooseNumber(std::string_view text, double& value);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_RANKING_CSV_H_
