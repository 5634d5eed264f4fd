// What `run` prints on the terminal: pure functions from reports to text. Every Render function
// returns whole lines (each ending in '\n'), at most kTerminalWidth columns wide, with ANSI
// colour only when `color` is true.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/case_report.h"
#include "core/run_context.h"

namespace mapstress {

inline constexpr size_t kTerminalWidth = 80;

// True when `stream` is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
bool UseColor(FILE* stream);

// Version, seed, duration, trials, CPUs, build and clock on a few lines, then "warning: ..." lines.
std::string RenderSettings(const RunContext& context, const std::vector<std::string>& warnings, bool color = false);

// "[3/12] 02-iterate-while-deleting × sharded  PASS  weak  1234 it  not_snapshot 41.2% (acceptable)"
// `index` counts from 1.
std::string RenderCaseLine(const CaseReport& report, size_t index, size_t total, bool color = false);

// jcstress-style table of every observed anomaly kind, then up to 3 explanations.
std::string RenderFailureTable(const CaseReport& report, bool color = false);

// Scenarios down, backends across (split into column blocks to fit), then the totals line.
std::string RenderMatrix(const std::vector<CaseReport>& cases, bool color = false);

// The same grid with each case's snapshot deviation rate (iterations matching no single instant).
std::string RenderSnapshotMatrix(const std::vector<CaseReport>& cases, bool color = false);
// "12 cases: 10 pass, 1 fail, 1 unsupported"
std::string RenderTotals(const std::vector<CaseReport>& cases);

// Per backend and op kind: throughput and latency percentiles ("" when nothing ran).
std::string RenderPerformance(const std::vector<CaseReport>& cases, bool color = false);

}  // namespace mapstress
