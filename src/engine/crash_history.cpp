#include "engine/crash_history.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "engine/clock.h"

namespace mapstress {
namespace {

constexpr uint32_t kMagic = 0x4C48534D;  // "MSHL"

struct DumpHeader {
  uint32_t magic;
  uint32_t trial;
  uint32_t threads;
  uint32_t reserved;
};
struct ThreadHeader {
  uint32_t thread;
  uint32_t finished;
  uint64_t op_limit;
  uint64_t records;
};

// What the handler reads: set in normal context before the trial's threads start.
struct LogState {
  int fd = -1;
  std::atomic<const ThreadLog* const*> logs{nullptr};
  std::atomic<uint32_t> count{0};
  std::atomic<uint32_t> trial{0};
};
LogState g_logs;

void WriteFully(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    size -= static_cast<size_t>(n);
  }
}

// The records of the first `limit` ops, up to the last one that closed its fence batch (a
// pending op's return is the closing op's): a prefix AppendThreadLog reads without loss. A
// kRecCall record belongs to the op after it.
size_t KeptRecords(const std::vector<LogRecord>& records, uint64_t limit) {
  auto kind_of = [](const LogRecord& r) { return static_cast<RecordKind>(r.meta & 7); };
  size_t i = 0, kept = 0;
  for (uint64_t ops = 0; i < records.size() && ops < limit; ++ops) {
    if (kind_of(records[i]) == kRecCall && ++i == records.size()) break;
    const LogRecord& r = records[i];
    const RecordKind kind = kind_of(r);
    if (kind == kRecIterBegin) {
      const uint64_t length = uint64_t{r.key} + 2;  // begin, entries, end
      if (length > records.size() - i || kind_of(records[i + length - 1]) != kRecIterEnd) break;
      i += length;
      kept = i;
    } else if (kind == kRecStore || kind == kRecErase || kind == kRecLoad) {
      const bool pending = (r.meta & kMetaPending) != 0;
      const size_t length = !pending && (r.meta >> kFieldShift) == kFieldOverflow ? 2 : 1;  // + kRecExt
      if (i + length > records.size()) break;
      i += length;
      if (!pending) kept = i;
    } else {
      break;  // not the start of an op: stop trusting the log here
    }
  }
  return kept;
}

// A ThreadLog holding `records`. thread_log.h has no way to adopt records, so placeholder entries give the log its
// length and the records are copied over them; AppendThreadLog then decodes them as it decodes a finished trial's.
std::unique_ptr<ThreadLog> LogOf(const std::vector<LogRecord>& records, size_t count) {
  auto log = std::make_unique<ThreadLog>(count + 1);
  for (size_t i = 0; i < count; ++i) log->Entry(0, 0);
  std::copy(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(count),
            const_cast<LogRecord*>(log->begin()));
  return log;
}

bool IsWrite(OpKind kind) { return kind == OpKind::kStore || kind == OpKind::kErase; }

}  // namespace

int CreateCrashHistoryFile() { return memfd_create("mapstress-crash-history", MFD_CLOEXEC); }

void InstallCrashHistory(int fd) { g_logs.fd = fd; }

void PublishThreadLogs(const ThreadLog* const* logs, uint32_t count, uint32_t trial) {
  g_logs.count.store(count);
  g_logs.trial.store(trial);
  g_logs.logs.store(logs);
}

void WithdrawThreadLogs() { g_logs.logs.store(nullptr); }

void WriteThreadLogs(const OpRing* rings, uint32_t ring_count) {
  const ThreadLog* const* logs = g_logs.logs.load();
  if (g_logs.fd < 0 || logs == nullptr || rings == nullptr) return;
  const uint32_t n = std::min(g_logs.count.load(), ring_count);
  const DumpHeader header{kMagic, g_logs.trial.load(), n, 0};
  WriteFully(g_logs.fd, &header, sizeof header);
  for (uint32_t i = 0; i < n; ++i) {
    // The ring first, then the log: ops started before this read have their records in the
    // log read after it, all but the last (in flight) and the one before (kept out of caution).
    // (FullFence, a hardware fence: std::atomic_thread_fence does not build under TSan.)
    const int32_t tid_before = rings[i].tid.load();
    const uint64_t started = rings[i].started.load();
    clock_internal::FullFence();
    const LogRecord* begin = logs[i]->begin();
    const LogRecord* end = logs[i]->end();
    clock_internal::FullFence();
    const bool finished = tid_before == 0 && rings[i].tid.load() == 0 && started > 0;
    const ThreadHeader t{i, finished ? 1u : 0u, finished ? started : (started >= 2 ? started - 2 : 0),
                         static_cast<uint64_t>(end - begin)};
    WriteFully(g_logs.fd, &t, sizeof t);
    WriteFully(g_logs.fd, begin, static_cast<size_t>(end - begin) * sizeof(LogRecord));
  }
}

History HistoryUpToCrash(History header, const std::vector<CrashLog>& logs, double ns_per_tick) {
  History all = std::move(header);
  all.ops.clear();
  all.entries.clear();
  all.truncated = true;
  int64_t cut = std::numeric_limits<int64_t>::max();  // T: before it, every op that began is recorded
  for (const CrashLog& log : logs) {
    const size_t from = all.ops.size(), entries_from = all.entries.size();
    try {
      AppendThreadLog(*LogOf(log.records, KeptRecords(log.records, log.op_limit)), log.thread, ns_per_tick, &all);
    } catch (const std::logic_error&) {  // not expected after KeptRecords; keep nothing of this thread
      all.ops.resize(from);
      all.entries.resize(entries_from);
    }
    if (log.finished) continue;
    int64_t last = 0;  // the ops this worker did not record began after its last kept op returned
    for (size_t i = from; i < all.ops.size(); ++i) last = std::max(last, all.ops[i].ret);
    cut = std::min(cut, last);
  }
  History out = all;
  out.ops.clear();
  out.entries.clear();
  for (const Op& op : all.ops) {
    if (IsWrite(op.kind) ? op.call >= cut : op.ret >= cut) continue;
    Op kept = op;
    // A write still running at T ends "after everything": no kept read ends after T, so no
    // verdict moves, and an erase's result, which an unrecorded write may explain, is not judged.
    if (kept.ret >= cut) kept.ret = std::numeric_limits<int64_t>::max();
    if (op.kind == OpKind::kIterate) {
      kept.first_entry = out.entries.size();
      out.entries.insert(out.entries.end(), all.entries.begin() + static_cast<std::ptrdiff_t>(op.first_entry),
                         all.entries.begin() + static_cast<std::ptrdiff_t>(op.first_entry + op.entry_count));
    }
    out.ops.push_back(kept);
  }
  return out;
}

bool ReadCrashHistory(int fd, const std::function<History(uint32_t trial)>& header, double ns_per_tick, History* out) {
  off_t at = 0;
  auto read_exactly = [&](void* into, size_t size) {  // false when the dump ends first
    char* p = static_cast<char*>(into);
    while (size > 0) {
      ssize_t n = pread(fd, p, size, at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      p += n;
      at += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  };
  struct stat st {};
  DumpHeader dump{};
  if (fd < 0 || fstat(fd, &st) != 0 || !read_exactly(&dump, sizeof dump) || dump.magic != kMagic) return false;
  std::vector<CrashLog> logs(dump.threads);
  for (CrashLog& log : logs) {
    ThreadHeader t{};
    // A dump cut short (the child was killed while writing it) could miss a worker's writes:
    // then nothing is proven, and nothing is saved.
    if (!read_exactly(&t, sizeof t) || t.records > static_cast<uint64_t>(st.st_size - at) / sizeof(LogRecord)) {
      return false;
    }
    log.thread = t.thread;
    log.finished = t.finished != 0;
    log.op_limit = t.op_limit;
    log.records.resize(t.records);
    if (!read_exactly(log.records.data(), t.records * sizeof(LogRecord))) return false;
  }
  *out = HistoryUpToCrash(header(dump.trial), logs, ns_per_tick);
  return true;
}

}  // namespace mapstress
