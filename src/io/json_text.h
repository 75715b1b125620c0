// Private helpers for reading JSON with positioned error messages.
#ifndef NLHF_SRC_IO_JSON_TEXT_H_
#define NLHF_SRC_IO_JSON_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nlhf::internal {

// Parses `text`; on a syntax error throws ParseError "path:line:column: <what nlohmann says>".
nlohmann::json ParseJsonDocument(std::string_view text, const std::string& path);

// A JSON number as a double; throws ParseError "path: <where>: expected a number, got <type>".
double JsonNumber(const nlohmann::json& value, const std::string& path, const std::string& where);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_IO_JSON_TEXT_H_
