// The process exit code a set of finished cases maps to (run, check and merge share it).
#pragma once

#include <vector>

#include "core/case_report.h"

namespace mapstress {

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitInconclusive = 3;
inline constexpr int kExitInterrupted = 130;

// First rule that applies wins:
//   130 the run was interrupted (the reports hold what finished);
//   1   any case failed (a FORBIDDEN outcome was observed);
//   2   any case is an error (input or setup problem);
//   3   no case passed and at least one was inconclusive (nothing checkable);
//   0   otherwise (unsupported cases alone, or none at all, are not a failure).
int ExitCodeFor(const std::vector<CaseReport>& cases, bool interrupted);

}  // namespace mapstress
