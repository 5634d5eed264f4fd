// What `run` prints on the terminal: pure functions from reports to text. Every Render function
// returns whole lines (each ending in '\n'), at most kTerminalWidth columns wide, with ANSI
// colour only when `color` is true.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "check/contract.h"
#include "report/case_report.h"
#include "report/run_context.h"

namespace mapstress {

inline constexpr size_t kTerminalWidth = 80;

// True when `stream` is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".
bool UseColor(FILE* stream);

// Version, seed, duration, trials, CPUs, build and clock on a few lines, then "warning: ..." lines.
std::string RenderSettings(const RunContext& context, const std::vector<std::string>& warnings, bool color = false);

// "[3/12] 02-iterate-while-deleting × sharded  PASS  weak  412 not_snapshot, in 412 of 1,000
// iterations (41.2%) (acceptable)": one line when it fits, else the detail on indented lines
// below. Names are shortened (the scenario first) only when the head alone does not fit.
// `index` counts from 1.
std::string RenderCaseLine(const CaseReport& report, size_t index, size_t total, bool color = false);

// jcstress-style table of every observed anomaly kind, then up to 3 explanations.
std::string RenderFailureTable(const CaseReport& report, bool color = false);

// Scenarios down, backends across (split into column blocks to fit), then the totals line.
std::string RenderMatrix(const std::vector<CaseReport>& cases, bool color = false);

// The same grid with each case's snapshot deviation rate (iterations matching no single instant).
std::string RenderSnapshotMatrix(const std::vector<CaseReport>& cases, bool color = false);
// What a matrix cell says, in one line (under the terminal's and the Markdown matrix).
const char* MatrixLegend();
// "12 cases: 10 pass, 1 fail, 1 unsupported"
std::string RenderTotals(const std::vector<CaseReport>& cases);

// Per backend and op kind: throughput and latency percentiles ("" when nothing ran).
std::string RenderPerformance(const std::vector<CaseReport>& cases, bool color = false);

// Shared by the terminal and the file reporters.

// "mapstress 0.1.0", "seed 42", "duration 2s", "trials 3", "CPUs 2", "build Release",
// "clock tsc (res 0.4ns, cross-core ok)": the settings line's pieces.
std::vector<std::string> SettingsFacts(const RunContext& context);

// Share of iterations with `kind` (stale_read: of loads); 0 when nothing was checked.
double AnomalyRate(const CaseReport& report, Anomaly kind);
// The observed kind with the worst grade (ties: the highest rate); false when none was observed.
bool WorstAnomaly(const CaseReport& report, Anomaly* kind);
// Examples ordered by their kind's grade, worst first, history order kept within a grade.
std::vector<const Example*> ExamplesWorstFirst(const CaseReport& report);
// "PASS", "FAIL", "INCONCLUSIVE", "ERROR", "UNSUPPORTED"
const char* VerdictWord(CaseStatus status);
// Grade in lower case: "acceptable", "interesting", "forbidden".
std::string GradeWord(Grade grade);

// 0.4123 -> "41.2%"; a non-zero fraction below 0.05% -> "<0.1%".
std::string FormatPercent(double fraction);
// 950 -> "950", 12345 -> "12.3k", 1.2e6 -> "1.2M".
std::string FormatCount(double value);
// 85 -> "85ns", 1234 -> "1.2µs", 3.4e6 -> "3.4ms"; below 10 ns one decimal ("0.4ns").
std::string FormatNanos(double ns);

// Columns `text` takes on a terminal (UTF-8 code points; escape sequences are not expected).
size_t DisplayWidth(std::string_view text);
// At most `width` columns; cut text ends in "…".
std::string TruncateToWidth(std::string_view text, size_t width);
// Words of `text` into lines of at most `width` columns: the first line starts with `first`,
// the others with `rest` (both counted). Overlong words are cut. Returns lines ending in '\n'.
std::string WrapText(std::string_view text, size_t width, std::string_view first, std::string_view rest);

}  // namespace mapstress
