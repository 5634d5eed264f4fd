#include "engine/thread_log.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>
#include <stdexcept>

namespace mapstress {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// Huge pages when the kernel offers them (transparent_hugepage "madvise" or "always"): one page
// fault per 2 MiB instead of per 4 KiB, about 3.5 us each on the AMD EPYC VM (README).
LogRecord* AllocateRecords(size_t records) {
  size_t bytes = (std::max<size_t>(records, 1) * sizeof(LogRecord) + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, bytes);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without it the log works the same, slower
#endif
  return static_cast<LogRecord*>(p);
}

}  // namespace

void ThreadLog::Free::operator()(LogRecord* p) const { std::free(p); }

ThreadLog::ThreadLog(size_t capacity_records)
    : storage_(AllocateRecords(capacity_records)), next_(storage_.get()), end_(storage_.get() + capacity_records) {}

void ThreadLog::Prefault(size_t records) {
  size_t n = std::min(records, static_cast<size_t>(end_ - storage_.get()));
  for (size_t i = 0; i < n; i += 4096 / sizeof(LogRecord)) storage_[i] = LogRecord{};
}

void AppendThreadLog(const ThreadLog& log, uint32_t thread, double ns_per_tick, History* history,
                     std::array<LatencyHistogram, kOpKindCount>* latency) {
  // Multiplying by a positive constant is monotone, so no strict order between two ticks can
  // be reversed by the conversion; ties only make the checker more conservative.
  auto ns = [ns_per_tick](uint64_t ticks) { return static_cast<int64_t>(static_cast<double>(ticks) * ns_per_tick); };
  auto add_latency = [&](OpKind kind, uint64_t ticks) {
    if (latency) (*latency)[static_cast<int>(kind)].Add(static_cast<uint64_t>(ns(ticks)));
  };
  uint64_t tick = 0;                          // the last fenced tick: the next op's call
  size_t pending_from = history->ops.size();  // ops waiting for their batch's return tick
  uint64_t pending_ticks = 0;                 // sum of their measured latency estimates
  uint64_t typical = 0;                       // ticks per op of the last closed batch
  std::vector<OpKind> unmeasured;             // pending ops without an estimate
  const LogRecord* r = log.begin();
  const LogRecord* end = log.end();
  while (r < end) {
    auto kind = static_cast<RecordKind>(r->meta & 7);
    if (kind == kRecCall) {
      tick = r->value;
      ++r;
      continue;
    }
    Op op;
    op.thread = thread;
    if (kind == kRecIterBegin) {
      if (pending_from != history->ops.size()) throw std::logic_error("history log: unclosed fence batch");
      op.kind = OpKind::kIterate;
      op.call = ns(r->value);
      op.entry_count = r->key;
      op.first_entry = history->entries.size();
      const LogRecord* e = r + 1;
      for (uint32_t i = 0; i < r->key; ++i, ++e) {
        history->entries.push_back(Entry{e->key | (uint64_t{e->meta} << 32), e->value});
      }
      tick = e->value;  // the end record
      op.ret = ns(tick);
      add_latency(op.kind, tick - r->value);
      r = e + 1;
      pending_from = history->ops.size() + 1;
      history->ops.push_back(op);
      continue;
    }
    op.kind = kind == kRecStore ? OpKind::kStore : kind == kRecErase ? OpKind::kErase : OpKind::kLoad;
    op.key = r->key;
    op.value = r->value;
    op.found = (r->meta & kMetaFlag) != 0;
    op.call = ns(tick);
    const uint32_t field = r->meta >> kFieldShift;
    if (r->meta & kMetaPending) {
      if (field != 0) {
        add_latency(op.kind, field);
      } else {
        unmeasured.push_back(op.kind);  // gets its share of the batch when it closes
      }
      pending_ticks += field;
      history->ops.push_back(op);
      ++r;
      continue;
    }
    const uint64_t call = tick;
    tick = field == kFieldOverflow ? r[1].value : call + field;
    r += field == kFieldOverflow ? 2 : 1;
    op.ret = ns(tick);
    // The batch's ops share this return. Latency: measured estimates stand; unmeasured ops get
    // the typical op's time (at most an even share); this op the rest, so a spike keeps its size.
    for (size_t i = pending_from; i < history->ops.size(); ++i) history->ops[i].ret = op.ret;
    history->ops.push_back(op);
    const uint64_t spent = tick - call;
    const uint64_t batch = history->ops.size() - pending_from;
    const uint64_t left = spent > pending_ticks ? spent - pending_ticks : 0;
    const uint64_t even = left / (unmeasured.size() + 1);
    const uint64_t share = typical != 0 ? std::min(typical, even) : even;
    for (OpKind k : unmeasured) add_latency(k, share);
    add_latency(op.kind, left - share * unmeasured.size());
    typical = spent / batch;
    unmeasured.clear();
    pending_ticks = 0;
    pending_from = history->ops.size();
  }
  if (pending_from < history->ops.size()) throw std::logic_error("history log: unclosed fence batch");
}

}  // namespace mapstress
