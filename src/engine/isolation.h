// Runs a case in a forked child with a watchdog: a crash becomes outcome `crashed` (with the
// signal), a hang past the budget plus a grace period becomes `hung`, and the parent keeps
// the last progress report the child sent.
#pragma once

#include <atomic>
#include <functional>

#include "core/case_report.h"
#include "scenario/scenario.h"

namespace mapstress {

// on_phase(report, phase) is called by the child before each trial ("run"), before checking
// ("check") and after each trial ("trial", with the report so far).
using ChildBody =
    std::function<void(CaseReport* report, const std::function<void(const CaseReport&, const char* phase)>& on_phase)>;

// The child leads its own process group, killed whole when the case ends; the case ends when the
// child exits (not when pipes it shared with what it forked close), when it hangs, or soon after
// `*interrupted` is set (the child gets SIGTERM, then the group SIGKILL). The child's stdout and
// stderr are captured: the last lines go into the report's message.
CaseReport RunIsolated(const CaseReport& initial, Nanos trial_budget, Nanos grace, const ChildBody& body,
                       const std::atomic<bool>* interrupted = nullptr);

// "SIGSEGV" for SIGSEGV, "signal 77" when unknown.
std::string SignalName(int signal);

}  // namespace mapstress
