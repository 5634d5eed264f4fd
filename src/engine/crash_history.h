// The history recorded up to a crash or a hang (--save-history on an isolated case). In the
// child, the crash handler (or, for a hang, the stack signal's handler) writes each worker's raw
// log to a file prepared before the fork (async-signal-safe); in the parent, that dump becomes a
// History marked truncated, cut so that it holds only what the timestamps still prove: no op
// that was in flight or half-recorded at the dump can be missing from it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/history.h"
#include "engine/op_ring.h"
#include "engine/thread_log.h"

namespace mapstress {

// An anonymous file for the dump (memfd), or -1.
int CreateCrashHistoryFile();

// In the child, right after fork: the crash handler writes the logs to `fd`.
void InstallCrashHistory(int fd);

// The running trial's logs, indexed by global thread number (the OpRings' numbering); the
// handler reads them. Withdraw before the logs are cleared or freed.
void PublishThreadLogs(const ThreadLog* const* logs, uint32_t count, uint32_t trial);
void WithdrawThreadLogs();

// In the crash or stack handler (async-signal-safe): dumps the published logs. Needs the rings:
// how many ops each worker started says how many of its records are complete.
void WriteThreadLogs(const OpRing* rings, uint32_t ring_count);

// One worker's log as the handler found it. `finished`: the worker had left its loop (its log
// is complete); otherwise only its first `op_limit` ops are known to be fully recorded.
struct CrashLog {
  uint32_t thread = 0;
  bool finished = false;
  uint64_t op_limit = 0;
  std::vector<LogRecord> records;
};

// The ops of `logs` added to `header` (a trial's History without ops): each unfinished worker's
// log up to its last closed op within `op_limit`; then, with T the earliest return among the
// unfinished workers' last kept ops, the writes that began before T and the reads that returned
// before T (every op that began before T is recorded, so no read kept can have seen an op that
// is not). Marked truncated.
History HistoryUpToCrash(History header, const std::vector<CrashLog>& logs, double ns_per_tick);

// In the parent, after the child crashed: the dump in `fd` as a History, with the header
// `header(trial)` gives; false when the child wrote none.
bool ReadCrashHistory(int fd, const std::function<History(uint32_t trial)>& header, double ns_per_tick, History* out);

}  // namespace mapstress
