// What the reporters say about a case beyond its raw numbers: rates, the worst anomaly, the
// examples worst first, verdict and grade words, the settings line's facts. Shared by every
// reporter; pure functions of the report.
#pragma once

#include <string>
#include <vector>

#include "core/case_report.h"
#include "core/run_context.h"

namespace mapstress {

// "mapstress 0.1.0", "seed 42", "duration 2s", "trials 3", "CPUs 2", "build Release",
// "clock tsc (res 0.4ns, cross-core ok)": the settings line's pieces.
std::vector<std::string> SettingsFacts(const RunContext& context);

// Observed count of `kind` per iteration (stale_read: per load); 0 when nothing was checked.
double AnomalyRate(const CaseReport& report, Anomaly kind);
// The observed kind with the worst grade (ties: the highest rate); false when none was observed.
bool WorstAnomaly(const CaseReport& report, Anomaly* kind);
// Examples ordered by their kind's grade, worst first, history order kept within a grade.
std::vector<const Example*> ExamplesWorstFirst(const CaseReport& report);
// "PASS", "FAIL", "INCONCLUSIVE", "ERROR", "UNSUPPORTED"
const char* VerdictWord(CaseStatus status);
// Grade in lower case: "acceptable", "interesting", "forbidden".
std::string GradeWord(Grade grade);

}  // namespace mapstress
