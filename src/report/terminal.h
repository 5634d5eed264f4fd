// What `run` prints on the terminal: pure functions from reports to text. Every Render function
// returns whole lines (each ending in '\n'), at most `width` columns wide (TerminalWidth(stdout)
// on screen, kTerminalWidth = 80 in files), with ANSI colour only when `color` is true.
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
// COLUMNS when it is set to a number (at least 40); else the terminal's width when `stream` is a
// terminal; else kTerminalWidth.
size_t TerminalWidth(FILE* stream);

// Version, seed, duration, trials, CPUs, build and clock on a few lines, then "warning: ..." lines.
std::string RenderSettings(const RunContext& context, const std::vector<std::string>& warnings, bool color = false,
                           size_t width = kTerminalWidth);

// "[3/12] 02-iterate-while-deleting × sharded  PASS  weak  412 not_snapshot, in 412 of 1,000
// iterations (41.2%) (acceptable)": one line when it fits, else the detail on indented lines
// below. Names are shortened (the scenario first) only when the head alone does not fit.
// `index` counts from 1.
std::string RenderCaseLine(const CaseReport& report, size_t index, size_t total, bool color = false,
                           size_t width = kTerminalWidth);

// jcstress-style table of every observed anomaly kind, then up to 3 explanations.
std::string RenderFailureTable(const CaseReport& report, bool color = false, size_t width = kTerminalWidth);

// Scenarios down, backends across (split into column blocks to fit; a scenario name is shortened
// before a backend name), a one-line legend, then the totals line.
std::string RenderMatrix(const std::vector<CaseReport>& cases, bool color = false, size_t width = kTerminalWidth);

// The same grid with each case's snapshot deviation rate (iterations matching no single instant).
std::string RenderSnapshotMatrix(const std::vector<CaseReport>& cases, bool color = false,
                                 size_t width = kTerminalWidth);
// What a matrix cell says, in one line (under the terminal's and the Markdown matrix).
const char* MatrixLegend();
// "12 cases: 10 pass, 1 fail, 1 unsupported"
std::string RenderTotals(const std::vector<CaseReport>& cases);

// Per backend and op kind: throughput and latency percentiles ("" when nothing ran).
std::string RenderPerformance(const std::vector<CaseReport>& cases, bool color = false);

}  // namespace mapstress
