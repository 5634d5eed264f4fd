// Durations as the tool reads and writes them: "500ms", "2s", "1m30s".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace mapstress {

using Nanos = std::chrono::nanoseconds;

// Parses "500ms", "2s", "1m", "250us", "1h" (a number and a unit; 0 is allowed).
bool ParseDuration(std::string_view text, Nanos* out, std::string* error);
std::string FormatDuration(Nanos d);  // "500ms", "2s", "1m30s"

}  // namespace mapstress
