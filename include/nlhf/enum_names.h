// The names of an enum's values, written once as a table, for printing, parsing and listing (the
// command line's choices and its help read the same table). Each enum keeps its table beside it:
//
//   inline constexpr EnumNames<Storage, 2> kStorageNames{{{Storage::kF64, "f64"}, {Storage::kF32, "f32"}}};
//   NameOf(kStorageNames, Storage::kF32)        → "f32"
//   ParseName(kStorageNames, "f64", "storage")  → Storage::kF64; InvalidArgument "unknown storage 'x':
//                                                  expected f64 or f32" otherwise
#ifndef NLHF_ENUM_NAMES_H_
#define NLHF_ENUM_NAMES_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlhf/error.h"

namespace nlhf {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, const char*>, N>;

template <typename Enum, std::size_t N>
const char* NameOf(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "?";
}

// Every name, in table order.
template <typename Enum, std::size_t N>
std::vector<std::string> AllNames(const EnumNames<Enum, N>& names) {
  std::vector<std::string> all;
  for (const auto& entry : names) all.emplace_back(entry.second);
  return all;
}

// "a, b or c".
std::string JoinAlternatives(const std::vector<std::string>& names);

// The value named `name`; InvalidArgument naming `what` and the accepted names otherwise.
template <typename Enum, std::size_t N>
Enum ParseName(const EnumNames<Enum, N>& names, std::string_view name, std::string_view what) {
  for (const auto& [value, candidate] : names) {
    if (name == candidate) return value;
  }
  throw InvalidArgument("unknown " + std::string(what) + " '" + std::string(name) +
                        "': expected " + JoinAlternatives(AllNames(names)));
}

}  // namespace nlhf

#endif  // NLHF_ENUM_NAMES_H_
