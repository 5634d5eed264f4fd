// Runs a case in a forked child with a watchdog: a crash becomes outcome `crashed` (with the
// signal), a hang past the budget plus a grace period becomes `hung`, and the parent keeps
// the last progress report the child sent.
#pragma once

#include <functional>

#include "core/case_report.h"
#include "scenario/scenario.h"

namespace mapstress {

// on_phase(report, phase) is called by the child before each trial ("run"), before checking
// ("check") and after each trial ("trial", with the report so far).
using ChildBody =
    std::function<void(CaseReport* report, const std::function<void(const CaseReport&, const char* phase)>& on_phase)>;

CaseReport RunIsolated(const CaseReport& initial, Nanos trial_budget, Nanos grace, const ChildBody& body);

// "SIGSEGV" for SIGSEGV, "signal 77" when unknown.
std::string SignalName(int signal);

}  // namespace mapstress
