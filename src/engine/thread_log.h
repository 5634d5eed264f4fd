// A worker thread's preallocated history buffer: 16 bytes per recorded op, no locks, no
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

// One record: `value`, `key` (keys are below 2^32, kMaxKeys) and `meta` = kind (3 bits) | flag
// (found / removed) << 3 | pending << 4 | a 27-bit field << 5. An op's call is implicit: the
// thread's last fenced tick (the previous closed op's return, an iteration's end, or a kRecCall
// record's `value` written just before it when the call is anything else). Field of a closed
// point op: ret - call, or kFieldOverflow and a kRecExt record with the full return tick in
// `value`. Of a pending op (fence batch, see Worker): its unfenced latency estimate in ticks, 0
// = not measured; it shares the return of the next closed point record (or ClosePending's).
// Iteration: a begin record (value = call tick, key = entry count, patched when it ends), one
// raw record per entry (value; the full 64-bit key in key | meta << 32), an end record (value =
// return tick).
struct LogRecord {
  uint64_t value;
  uint32_t key;
  uint32_t meta;
};
static_assert(sizeof(LogRecord) == 16, "history records must stay 16 bytes");

enum RecordKind : uint8_t { kRecStore = 0, kRecErase, kRecLoad, kRecIterBegin, kRecIterEnd, kRecExt, kRecCall };
inline constexpr uint32_t kMetaFlag = 1u << 3;
inline constexpr uint32_t kMetaPending = 1u << 4;
inline constexpr int kFieldShift = 5;
inline constexpr uint32_t kFieldOverflow = (1u << 27) - 1;
inline constexpr uint32_t kFieldMax = kFieldOverflow - 1;  // largest duration or estimate stored inline
inline constexpr size_t kPrefetchAhead = 2048;             // bytes

class ThreadLog {
 public:
  explicit ThreadLog(size_t capacity_records);

  // Touches the first pages so the trial does not pay their page faults.
  void Prefault(size_t records);

  // Room for one point op (its call record and extension) or an iteration's begin+end.
  bool HasRoom(size_t records) const { return static_cast<size_t>(end_ - next_) >= records; }

  // ticks are relative to the trial origin.
  void Point(RecordKind kind, uint64_t key, uint64_t value, bool flag, uint64_t call, uint64_t ret) {
    Append(kind, key, value, flag, call, 0);
    SetReturn(ret);
  }
  // A point op whose return tick is not known yet: the next closed point record's (or the
  // one ClosePending gives) serves. `estimate`: unfenced latency in ticks (0: not measured; the
  // conversion then shares the batch's time out).
  void PendingPoint(RecordKind kind, uint64_t key, uint64_t value, bool flag, uint64_t call, uint64_t estimate) {
    Append(kind, key, value, flag, call, kMetaPending | Field(estimate));
  }
  // Sets the latency estimate of the last `count` records (pending point ops); call it before
  // the next record is written.
  void SetEstimates(uint32_t count, uint64_t estimate) {
    const uint32_t field = Field(estimate);
    for (LogRecord* r = next_ - count; r < next_; ++r) r->meta = (r->meta & 0x1F) | field;
  }
  // Gives the last record (a pending point op) its return tick, closing its batch.
  void ClosePending(uint64_t ret) {
    next_[-1].meta &= 0xF;
    SetReturn(ret);
  }
  LogRecord* BeginIteration(uint64_t call) {
    LogRecord* begin = next_++;
    *begin = LogRecord{call, 0, kRecIterBegin};
    return begin;
  }
  // Returns false when full (leaving room for the end record): the iteration must stop.
  bool Entry(uint64_t key, uint64_t value) {
    if (end_ - next_ < 2) return false;
    *next_++ = LogRecord{value, static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)};
    return true;
  }
  void EndIteration(LogRecord* begin, uint64_t ret, bool complete) {
    if (!complete) {  // cut short by a full buffer: drop it, it proves nothing
      next_ = begin;
      return;
    }
    begin->key = static_cast<uint32_t>(next_ - begin - 1);
    *next_++ = LogRecord{ret, 0, kRecIterEnd};
    last_tick_ = ret;
  }

  const LogRecord* begin() const { return storage_.get(); }
  const LogRecord* end() const { return next_; }
  size_t size() const { return static_cast<size_t>(next_ - storage_.get()); }
  size_t bytes() const { return size() * sizeof(LogRecord); }
  void Clear() {
    next_ = storage_.get();
    last_tick_ = 0;
  }

 private:
  struct Free {
    void operator()(LogRecord* p) const;
  };

  void Append(RecordKind kind, uint64_t key, uint64_t value, bool flag, uint64_t call, uint32_t bits) {
    // Own the cache lines ahead, so the next op's fence does not wait for a log-line miss.
    __builtin_prefetch(reinterpret_cast<const char*>(next_) + kPrefetchAhead, 1, 3);
    if (call != last_tick_) [[unlikely]] {  // a call that is not the last fenced tick
      *next_++ = LogRecord{call, 0, kRecCall};
      last_tick_ = call;
    }
    *next_++ = LogRecord{value, static_cast<uint32_t>(key), kind | (flag ? kMetaFlag : 0u) | bits};
  }
  // The last record (a closed point op) gets its duration, or an extension when it does not fit.
  void SetReturn(uint64_t ret) {
    const uint64_t dur = ret - last_tick_;
    next_[-1].meta |= (dur > kFieldMax ? kFieldOverflow : static_cast<uint32_t>(dur)) << kFieldShift;
    if (dur > kFieldMax) *next_++ = LogRecord{ret, 0, kRecExt};
    last_tick_ = ret;
  }
  static uint32_t Field(uint64_t ticks) {
    return static_cast<uint32_t>(std::min<uint64_t>(ticks, kFieldMax)) << kFieldShift;
  }

  std::unique_ptr<LogRecord[], Free> storage_;
  LogRecord* next_;
  LogRecord* end_;
  uint64_t last_tick_ = 0;  // the thread's last fenced tick: the call of an op without a kRecCall
};

// Converts one thread's records into Ops/Entries (ticks -> ns via ns_per_tick). When
// `latency` is given, adds each op's latency in ns (indexed by OpKind): an iteration's and an
// unbatched op's interval; a batched op's estimate, or, unmeasured, its share of the batch.
void AppendThreadLog(const ThreadLog& log, uint32_t thread, double ns_per_tick, History* history,
                     std::array<LatencyHistogram, kOpKindCount>* latency = nullptr);

}  // namespace mapstress
