// Chrome trace-event JSON (chrome://tracing, ui.perfetto.dev) of one history: a track per
// thread, every op a complete ("X") slice with its key, value and result in `args`, and each
// example's subject marked with an instant event and flow arrows from its witnesses.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/example.h"
#include "core/history.h"

namespace mapstress {

struct ChromeTraceOptions {
  // Only ops that overlap [lo, hi] (history ns); the whole history by default.
  int64_t lo = kTimeBeforeAll;
  int64_t hi = kTimeAfterAll;
};

// Writes the trace to `out` as it goes (the history's ops are not copied); false when a write
// failed. `examples` (from Check) are marked; they may be empty.
bool WriteChromeTrace(const History& history, const std::vector<Example>& examples, const ChromeTraceOptions& options,
                      std::FILE* out);

// "LO:HI" in history ns, or "example:K[:PAD]" (the K-th example's view, widened by PAD ns on
// both sides, default its own length). False with `*error` naming what was expected.
bool ParseTraceWindow(const std::string& text, const std::vector<Example>& examples, ChromeTraceOptions* options,
                      std::string* error);

}  // namespace mapstress
