// Text as a terminal shows it: valid UTF-8, width in columns, cutting and wrapping to a width.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mapstress {

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, so JSON's dump() cannot throw.
// Strings are passed through it on the way into JSON (a crashed child's stderr is arbitrary bytes).
std::string ValidUtf8(std::string_view text);

// Columns `text` takes on a terminal (UTF-8 code points; escape sequences are not expected).
size_t DisplayWidth(std::string_view text);
// At most `width` columns; cut text ends in "…".
std::string TruncateToWidth(std::string_view text, size_t width);
// Words of `text` into lines of at most `width` columns: the first line starts with `first`,
// the others with `rest` (both counted). Overlong words are cut. Returns lines ending in '\n'.
std::string WrapText(std::string_view text, size_t width, std::string_view first, std::string_view rest);

}  // namespace mapstress
