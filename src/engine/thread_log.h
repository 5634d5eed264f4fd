// A worker thread's preallocated history buffer: 24 bytes per recorded op, no locks, no
// allocation while recording.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/history.h"
#include "engine/latency_histogram.h"

namespace mapstress {

// One record. Point op: value, (call << 8 | kind << 1 | found), key, and `dur`: ret - call
// below 2^31 - 1; 0xFFFFFFFF = the next record is an extension holding the full return tick in
// `value`; kDurPending | estimate = the op shares the return tick of the next closed point
// record (a fence batch, see Worker), and `estimate` is its unfenced latency in ticks.
// Iteration: a begin record (value = entry count, patched when it ends), one record per entry
// (value, full 64-bit key in `word`), then an end record (value = return tick).
struct LogRecord {
  uint64_t value;
  uint64_t word;
  uint32_t key;
  uint32_t dur;
};
static_assert(sizeof(LogRecord) == 24, "history records must stay 24 bytes");

enum RecordKind : uint8_t { kRecStore = 0, kRecErase, kRecLoad, kRecIterBegin, kRecIterEnd, kRecExt };
inline constexpr uint32_t kDurOverflow = 0xFFFFFFFFu;
inline constexpr uint32_t kDurPending = 0x80000000u;
inline constexpr uint32_t kDurMax = 0x7FFFFFFEu;  // largest duration or estimate stored inline
inline constexpr size_t kPrefetchAhead = 2048;    // bytes

class ThreadLog {
 public:
  explicit ThreadLog(size_t capacity_records)
      : storage_(new LogRecord[capacity_records]), next_(storage_.get()), end_(storage_.get() + capacity_records) {}

  // Touches the first pages so the trial does not pay their page faults.
  void Prefault(size_t records) {
    size_t n = std::min(records, static_cast<size_t>(end_ - storage_.get()));
    for (size_t i = 0; i < n; i += 4096 / sizeof(LogRecord)) storage_[i] = LogRecord{};
  }

  // Room for one point op (and its extension) or an iteration's begin+end.
  bool HasRoom(size_t records) const { return static_cast<size_t>(end_ - next_) >= records; }

  // ticks are relative to the trial origin.
  void Point(RecordKind kind, uint64_t key, uint64_t value, bool flag, uint64_t call, uint64_t ret) {
    SetReturn(Append(kind, key, value, flag, call, 0), call, ret);
  }
  // A point op whose return tick is not known yet: the next closed point record's (or the
  // one ClosePending gives) serves. `estimate`: unfenced latency in ticks.
  void PendingPoint(RecordKind kind, uint64_t key, uint64_t value, bool flag, uint64_t call, uint64_t estimate) {
    Append(kind, key, value, flag, call, PendingDur(estimate));
  }
  // Sets the latency estimate of the last `count` records (pending point ops); call it before
  // the next record is written.
  void SetEstimates(uint32_t count, uint64_t estimate) {
    const uint32_t dur = PendingDur(estimate);
    for (LogRecord* r = next_ - count; r < next_; ++r) r->dur = dur;
  }
  // Gives the last record (a pending point op) its return tick, closing its batch.
  void ClosePending(uint64_t ret) {
    LogRecord* last = next_ - 1;
    SetReturn(last, last->word >> 8, ret);
  }
  LogRecord* BeginIteration(uint64_t call) {
    LogRecord* begin = next_++;
    *begin = LogRecord{0, (call << 8) | (uint64_t{kRecIterBegin} << 1), 0, 0};
    return begin;
  }
  // Returns false when full (leaving room for the end record): the iteration must stop.
  bool Entry(uint64_t key, uint64_t value) {
    if (end_ - next_ < 2) return false;
    *next_++ = LogRecord{value, key, 0, 0};
    return true;
  }
  void EndIteration(LogRecord* begin, uint64_t ret, bool complete) {
    if (!complete) {  // cut short by a full buffer: drop it, it proves nothing
      next_ = begin;
      return;
    }
    begin->value = static_cast<uint64_t>(next_ - begin - 1);
    *next_++ = LogRecord{ret, uint64_t{kRecIterEnd} << 1, 0, 0};
  }

  const LogRecord* begin() const { return storage_.get(); }
  const LogRecord* end() const { return next_; }
  size_t size() const { return static_cast<size_t>(next_ - storage_.get()); }
  void Clear() { next_ = storage_.get(); }

 private:
  LogRecord* Append(RecordKind kind, uint64_t key, uint64_t value, bool flag, uint64_t call, uint32_t dur) {
    // Own the cache lines ahead, so the next op's fence does not wait for a log-line miss.
    __builtin_prefetch(reinterpret_cast<const char*>(next_) + kPrefetchAhead, 1, 3);
    *next_ = LogRecord{value, (call << 8) | (uint64_t{kind} << 1) | (flag ? 1u : 0u), static_cast<uint32_t>(key), dur};
    return next_++;
  }
  // `r` is the last record: its duration, or an extension record when it does not fit.
  void SetReturn(LogRecord* r, uint64_t call, uint64_t ret) {
    uint64_t dur = ret - call;
    r->dur = dur > kDurMax ? kDurOverflow : static_cast<uint32_t>(dur);
    if (dur > kDurMax) *next_++ = LogRecord{ret, uint64_t{kRecExt} << 1, 0, 0};
  }
  static uint32_t PendingDur(uint64_t estimate) {
    return kDurPending | static_cast<uint32_t>(std::min<uint64_t>(estimate, kDurMax));
  }

  std::unique_ptr<LogRecord[]> storage_;
  LogRecord* next_;
  LogRecord* end_;
};

// Converts one thread's records into Ops/Entries (ticks -> ns via ns_per_tick). When
// `latency` is given, adds each op's latency in ns (indexed by OpKind): an iteration's and an
// unbatched op's interval, a batched op's unfenced estimate.
void AppendThreadLog(const ThreadLog& log, uint32_t thread, double ns_per_tick, History* history,
                     std::array<LatencyHistogram, kOpKindCount>* latency = nullptr);

}  // namespace mapstress
