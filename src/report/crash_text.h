// The terminal's view of a crashed or hung case's CrashDetails: the crashing thread's
// backtrace, each thread's last started ops and, when hung, each thread's stack.
#pragma once

#include <string>

#include "core/case_report.h"

namespace mapstress {

// Whole lines at most kTerminalWidth columns; "" when the report has no crash details.
std::string RenderCrashDetails(const CaseReport& report);

}  // namespace mapstress
