// Crash and hang diagnostics of an isolated case's child. In the child: signal handlers that
// write, async-signal-safely, the crashing thread's backtrace and every worker's last started
// ops (OpRing) to a file prepared before the fork; on the watchdog's request, every thread's
// stack. In the parent: that file read back, symbolised, into CaseReport::crash.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/case_report.h"
#include "engine/op_ring.h"

namespace mapstress {

// An anonymous file the child writes its dump to (memfd, append-only: the lines that several
// threads' handlers write at once all arrive whole), or -1.
int CreateCrashFile();

// In the child, right after fork: SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT write a dump to
// `fd` and then kill the process as they would have; the stack signal (RequestStacks) makes
// every thread append its stack.
void InstallCrashHandlers(int fd);

// The engine's rings for the running trial, indexed by global thread number, with the threads'
// names; the handlers read them. Withdraw before the rings are freed.
void PublishOpRings(OpRing* rings, uint32_t count, const std::vector<std::string>& names);
void WithdrawOpRings();

// In the parent, for a hung child (before killing it): signals it to dump every thread's
// stack (and, with --save-history, its logs: crash_history.h), and waits until the dump holds
// its "end" line and stops growing (at most `wait`).
void RequestStacks(pid_t pid, int fd, std::chrono::milliseconds wait = std::chrono::milliseconds(5000));

// In the parent, after the child ended: parses the dump in `fd` into report->crash.
void ReadCrashDump(int fd, CaseReport* report);

// The dump's text format, parsed (exposed for tests): lines "names N a b ...", "crash SIG T",
// "frames T hex...", "ops T STARTED hex...", "stack T hex...", "hang", "end"; T is a thread
// index or -1.
CrashDetails ParseCrashDump(const std::string& text);

}  // namespace mapstress
