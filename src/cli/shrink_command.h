// `mapstress shrink`: from a failing scenario to the smallest one that still fails the same
// way in at least k of N runs (the search is ScenarioShrinker's; this runs the real cases).
#pragma once

#include <string>

#include "cli/options.h"
#include "core/case_report.h"

namespace mapstress {

// Whether a case shows failure `kind`: "crashed" / "hung" (the outcome, however graded), or an
// anomaly kind observed and graded FORBIDDEN (any grade when `any_grade`).
bool ShowsFailure(const CaseReport& report, const std::string& kind, bool any_grade);

int ShrinkCommand(const Options& options);

}  // namespace mapstress
