// JSON records (JSON Lines, or one JSON array of objects) as the readers of battle logs and judgment
// tables see them: each record an object whose scalar fields are read as text.
#ifndef NLHF_SRC_RANKING_JSON_RECORDS_H_
#define NLHF_SRC_RANKING_JSON_RECORDS_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nlhf::internal {

// A JSON scalar as text (strings as they are, numbers and booleans as written); nullopt for null,
// objects and arrays.
std::optional<std::string> ScalarText(const nlohmann::json& value);

// The keys of an object (none for anything else), in the document's order of appearance as nlohmann
// keeps them (sorted).
std::vector<std::string> KeysOf(const nlohmann::json& record);

// `text` parsed, or a ParseError "where: not valid JSON: <nlohmann's message>".
nlohmann::json ParseJsonText(std::string_view text, const std::string& where);

// Whether `text` starts like JSON records: '{' (JSON Lines) or '[' followed by '{' (an array of objects).
bool LooksLikeJsonRecords(std::string_view text);

// The first record of a JSON array or of JSON Lines (null where there is none).
nlohmann::json FirstJsonRecord(std::string_view text, const std::string& path);

// Calls `visit(record, where)` for every record of a JSON array (where: "path: record K", 0-based) or of
// JSON Lines (where: "path:LINE"; blank lines skipped).
void ForEachJsonRecord(std::string_view text, const std::string& path,
                       const std::function<void(const nlohmann::json&, const std::string&)>& visit);

}  // namespace nlhf::internal

#endif  // NLHF_SRC_RANKING_JSON_RECORDS_H_
