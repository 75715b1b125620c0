// Private helpers for reading JSON with positioned error messages, and for writing numbers JSON cannot hold.
#ifndef NLHF_SRC_IO_JSON_TEXT_H_
#define NLHF_SRC_IO_JSON_TEXT_H_

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nlhf::internal {

// Deeper nesting is refused before parsing (a JSON bomb would otherwise overflow the stack).
constexpr int kMaxJsonDepth = 256;

// Parses `text`; on a syntax error, nesting deeper than kMaxJsonDepth or a number beyond double's range
// throws ParseError "path:line:column: <what is wrong>". Never lets a library exception through.
// `first_line` is the file line that `text` starts on (a JSON Lines reader passes one line at a time).
nlohmann::json ParseJsonDocument(std::string_view text, const std::string& path, size_t first_line = 1);

[[noreturn]] void ThrowNotANumber(const nlohmann::json& value, const std::string& path, const std::string& where);

// A JSON number as a double; throws ParseError "path: <where()>: expected a number, got <type>". `where`
// is called only on error: formatting the location of every entry up front was a tenth of the time of
// reading a large batch.
template <typename Where>
double JsonNumber(const nlohmann::json& value, const std::string& path, const Where& where) {
  if (!value.is_number()) ThrowNotANumber(value, path, where());
  return value.get<double>();
}

// `v`, or null where it is not finite (JSON has no NaN or infinity).
inline nlohmann::json NumberOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace nlhf::internal

#endif  // NLHF_SRC_IO_JSON_TEXT_H_
