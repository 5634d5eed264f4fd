// The per-key timeline of one example as an inline SVG (the HTML report's picture of a proof):
// one lane per thread, each op a bar whose <title> gives its exact numbers on hover, the
// subject's window shaded across all lanes, and a row of when the key could be present.
#pragma once

#include <string>
#include <string_view>

#include "core/example.h"

namespace mapstress {

// "" when the example has no structured proof (read from a schema 1 report). The SVG carries no
// colours or fonts of its own: the page holds kSvgTimelineStyle and kSvgTimelineDefs once.
std::string RenderSvgTimeline(const Example& example);

// The CSS of every timeline on a page, and the hidden <svg> with the shared hatch pattern.
extern const char* const kSvgTimelineStyle;
extern const char* const kSvgTimelineDefs;

// Text made safe inside HTML/SVG elements and double-quoted attributes.
std::string XmlEscape(std::string_view text);

}  // namespace mapstress
