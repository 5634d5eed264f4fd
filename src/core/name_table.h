// An enum's names in value order: the one table that printing and parsing both read.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mapstress {

template <typename Enum, size_t N>
struct NameTable {
  std::array<const char*, N> names;

  const char* Name(Enum e) const {
    auto i = static_cast<size_t>(e);
    return i < N ? names[i] : "?";
  }
  // Exact match; false (and *out untouched) when `text` names no value.
  bool Parse(std::string_view text, Enum* out) const {
    for (size_t i = 0; i < N; ++i) {
      if (text == names[i]) {
        *out = static_cast<Enum>(i);
        return true;
      }
    }
    return false;
  }
  // Every name, for "did you mean" and "expected one of".
  std::vector<std::string> All() const { return std::vector<std::string>(names.begin(), names.end()); }
};

}  // namespace mapstress
