// Numbers as the reports print them: percentages, counts and durations in a few characters.
#pragma once

#include <string>

namespace mapstress {

// 0.4123 -> "41.2%"; a non-zero fraction below 0.05% -> "<0.1%".
std::string FormatPercent(double fraction);
// 950 -> "950", 12345 -> "12.3k", 1.2e6 -> "1.2M".
std::string FormatCount(double value);
// 85 -> "85ns", 1234 -> "1.2µs", 3.4e6 -> "3.4ms"; below 10 ns one decimal ("0.4ns").
std::string FormatNanos(double ns);

}  // namespace mapstress
