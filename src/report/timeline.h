// A per-key timeline of one example's proof, drawn as text: one row per thread that touched
// the key, each op an interval labelled with its value, the iteration's (or load's or erase's) window
// marked on every row, and a row that shows when the key could be present.
#pragma once

#include <string>

#include "core/case_report.h"
#include "core/example.h"

namespace mapstress {

struct TimelineStyle {
  size_t width = 80;    // columns, at least 40
  bool unicode = true;  // box-drawing and block characters; else plain ASCII
  bool color = false;   // ANSI colour
};

// Whole lines, each at most style.width columns; "" when the example has no structured proof
// (read from a schema 1 report) or nothing to draw.
std::string RenderTimeline(const Example& example, const TimelineStyle& style);

// Under a failure's table: per kind the spread line ("key 3250 missing in 37 of 40
// iterations; 12 distinct keys"), then the timeline of the worst example.
std::string RenderFailureEvidence(const CaseReport& report, const TimelineStyle& style);

// "missing: in 40 of 812 iterations, 12 distinct keys; key 3250 in 37 of them"
std::string SpreadLine(const CaseReport& report, Anomaly kind);

// True when the locale (LC_ALL, LC_CTYPE, LANG) asks for UTF-8.
bool LocaleIsUtf8();

}  // namespace mapstress
