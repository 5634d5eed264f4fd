#include "engine/thread_log.h"

namespace mapstress {

void AppendThreadLog(const ThreadLog& log, uint32_t thread, double ns_per_tick, History* history) {
  // Multiplying by a positive constant is monotone, so no strict order between two ticks can
  // be reversed by the conversion; ties only make the checker more conservative.
  auto ns = [ns_per_tick](uint64_t ticks) { return static_cast<int64_t>(static_cast<double>(ticks) * ns_per_tick); };
  const LogRecord* r = log.begin();
  const LogRecord* end = log.end();
  while (r < end) {
    auto kind = static_cast<RecordKind>((r->word >> 1) & 0x7F);
    uint64_t call = r->word >> 8;
    Op op;
    op.thread = thread;
    op.call = ns(call);
    if (kind == kRecIterBegin) {
      op.kind = OpKind::kIterate;
      op.entry_count = static_cast<uint32_t>(r->value);
      op.first_entry = history->entries.size();
      const LogRecord* e = r + 1;
      for (uint64_t i = 0; i < r->value; ++i, ++e) history->entries.push_back(Entry{e->word, e->value});
      op.ret = ns(e->value);  // the end record
      r = e + 1;
    } else {
      op.kind = kind == kRecStore ? OpKind::kStore : kind == kRecErase ? OpKind::kErase : OpKind::kLoad;
      op.key = r->key;
      op.value = r->value;
      op.found = (r->word & 1) != 0;
      if (r->dur == kDurOverflow) {
        op.ret = ns(r[1].value);
        r += 2;
      } else {
        op.ret = ns(call + r->dur);
        r += 1;
      }
    }
    history->ops.push_back(op);
  }
}

}  // namespace mapstress
