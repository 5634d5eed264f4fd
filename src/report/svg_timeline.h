// The per-key timeline of one example as an inline SVG (the HTML report's picture of a proof):
// one lane per thread, each op a bar whose <title> gives its exact numbers on hover, the
// subject's window shaded across all lanes, and a row of when the key could be present.
#pragma once

#include <string>
#include <string_view>

#include "core/example.h"

namespace mapstress {

// "" when the example has no structured proof (read from a schema 1 report).
std::string RenderSvgTimeline(const Example& example);

// Text made safe inside HTML/SVG elements and double-quoted attributes.
std::string XmlEscape(std::string_view text);

}  // namespace mapstress
