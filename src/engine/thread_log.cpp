#include "engine/thread_log.h"

#include <stdexcept>

namespace mapstress {

void AppendThreadLog(const ThreadLog& log, uint32_t thread, double ns_per_tick, History* history,
                     std::array<LatencyHistogram, kOpKindCount>* latency) {
  // Multiplying by a positive constant is monotone, so no strict order between two ticks can
  // be reversed by the conversion; ties only make the checker more conservative.
  auto ns = [ns_per_tick](uint64_t ticks) { return static_cast<int64_t>(static_cast<double>(ticks) * ns_per_tick); };
  auto add_latency = [&](OpKind kind, uint64_t ticks) {
    if (latency) (*latency)[static_cast<int>(kind)].Add(static_cast<uint64_t>(ns(ticks)));
  };
  size_t pending_from = history->ops.size();  // ops waiting for their batch's return tick
  uint64_t pending_ticks = 0;                 // sum of their latency estimates
  const LogRecord* r = log.begin();
  const LogRecord* end = log.end();
  while (r < end) {
    auto kind = static_cast<RecordKind>((r->word >> 1) & 0x7F);
    uint64_t call = r->word >> 8;
    Op op;
    op.thread = thread;
    op.call = ns(call);
    if (kind == kRecIterBegin) {
      if (pending_from != history->ops.size()) throw std::logic_error("history log: unclosed fence batch");
      op.kind = OpKind::kIterate;
      op.entry_count = static_cast<uint32_t>(r->value);
      op.first_entry = history->entries.size();
      const LogRecord* e = r + 1;
      for (uint64_t i = 0; i < r->value; ++i, ++e) history->entries.push_back(Entry{e->word, e->value});
      op.ret = ns(e->value);  // the end record
      add_latency(op.kind, e->value - call);
      r = e + 1;
      pending_from = history->ops.size() + 1;
    } else {
      op.kind = kind == kRecStore ? OpKind::kStore : kind == kRecErase ? OpKind::kErase : OpKind::kLoad;
      op.key = r->key;
      op.value = r->value;
      op.found = (r->word & 1) != 0;
      if (r->dur != kDurOverflow && (r->dur & kDurPending)) {
        uint64_t estimate = r->dur & ~kDurPending;
        add_latency(op.kind, estimate);
        pending_ticks += estimate;
        history->ops.push_back(op);
        r += 1;
        continue;
      }
      uint64_t ret = r->dur == kDurOverflow ? r[1].value : call + r->dur;
      r += r->dur == kDurOverflow ? 2 : 1;
      op.ret = ns(ret);
      // The batch's ops share this return; this op's own latency is what the estimates leave.
      for (size_t i = pending_from; i < history->ops.size(); ++i) history->ops[i].ret = op.ret;
      add_latency(op.kind, ret - call > pending_ticks ? ret - call - pending_ticks : 0);
      pending_ticks = 0;
      pending_from = history->ops.size() + 1;
    }
    history->ops.push_back(op);
  }
  if (pending_from < history->ops.size()) throw std::logic_error("history log: unclosed fence batch");
}

}  // namespace mapstress
