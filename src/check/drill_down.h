// `mapstress check FILE --key K` and `--iteration N`: one key's or one iteration's story, from
// the checker's own derived windows (WriteWindows) and verdict (Check), as plain text. Times and
// op numbers are the history file's: nanoseconds as recorded, ops by line number.
#pragma once

#include <cstdint>
#include <string>

#include "core/history.h"

namespace mapstress {

// Every op on `key` with the window in which each write may be in effect, when the key may be
// absent or present, and every iteration that saw the key or had to see it, with what it got.
std::string DescribeKey(const History& history, uint64_t key);

// Iteration `n` (1-based, in file order): its window, the checker's verdict and explanations
// for it alone, and each key it visited or had to visit against what the map could hold.
// Sets *found to false (and returns a message) when the history has fewer iterations.
std::string DescribeIteration(const History& history, uint64_t n, bool* found);

}  // namespace mapstress
