#include "engine/batch_worker.h"

#include "engine/clock.h"
#include "engine/recorded_iteration.h"

namespace mapstress {
namespace {

RecordKind RecordKindOf(uint32_t kind) {
  switch (static_cast<OpKind>(kind)) {
    case OpKind::kStore: return kRecStore;
    case OpKind::kErase: return kRecErase;
    default: return kRecLoad;
  }
}

// Every op of the call gets [call, ret]; each its even share of the time as its latency.
void RecordBatch(ThreadLog* log, const BatchOp* ops, uint32_t count, uint64_t call, uint64_t ret) {
  const uint64_t share = (ret - call) / count;
  for (uint32_t i = 0; i < count; ++i) {
    const BatchOp& op = ops[i];
    const bool is_store = op.kind == static_cast<uint32_t>(OpKind::kStore);
    const bool flag = !is_store && op.result != 0;
    const uint64_t value = is_store || flag ? op.value : 0;  // a load that found nothing: 0
    if (i + 1 < count) {
      log->PendingPoint(RecordKindOf(op.kind), op.key, value, flag, call, share);
    } else {
      log->Point(RecordKindOf(op.kind), op.key, value, flag, call, ret);  // closes the pending ones
    }
  }
}

}  // namespace

uint64_t RunBatchLoop(const BatchLoop& w, uint64_t* seq) noexcept {
  TrialShared* shared = w.shared;
  const uint64_t origin = shared->origin;
  const uint64_t budget = shared->budget_ticks;
  BatchSizer sizer(shared->batch_ticks);
  BatchOp ops[BatchSizer::kMax];
  uint64_t done = 0;
  uint64_t boundary = ReadBoundaryTicks();  // the last fenced read: the next call's call tick
  while (!shared->stop.load(std::memory_order_relaxed)) {
    uint64_t limit = sizer.Size();
    if (w.max_ops > 0) limit = std::min(limit, w.max_ops - done);
    if (w.round != 0) {
      if (done % w.round == 0) {  // a round starts: meet the group, then read a fresh call tick
        w.lockstep->Wait();
        boundary = ReadBoundaryTicks();
      }
      limit = std::min<uint64_t>(limit, w.round - done % w.round);
    }
    if (!w.log->HasRoom(limit + 4)) {
      shared->overflow.store(true, std::memory_order_relaxed);
      shared->stop.store(true, std::memory_order_relaxed);
      break;
    }
    // Plan the call's ops; an iteration or due noise ends the batch before it.
    uint32_t count = 0;
    bool iterate = false, noise_due = false;
    for (uint64_t planned = 0; planned < limit; ++planned) {
      if (w.noise->BoundaryDue()) {
        if (count > 0) {
          noise_due = true;
          break;
        }
        w.noise->AtBoundary(origin, budget, shared->stop);
        boundary = ReadBoundaryTicks();
      }
      const PlannedOp op = w.stream->Next();
      if (op.kind == OpKind::kIterate) {
        iterate = true;
        break;
      }
      if (w.ring) w.ring->Start(op.kind, op.key);  // for crash reports: the call's ops, as planned
      const uint64_t value = op.kind == OpKind::kStore ? EncodeValue(w.trial, w.writer_id, (*seq)++) : 0;
      ops[count++] = BatchOp{op.key, value, static_cast<uint32_t>(op.kind), 0};
    }
    if (count > 0) {
      w.map->RunBatch(ops, count);
      const uint64_t ret = ReadBoundaryTicks();
      RecordBatch(w.log, ops, count, boundary - origin, ret - origin);
      sizer.Record(count, ret - boundary);
      boundary = ret;
    }
    if (noise_due) {  // between intervals, like the unbatched loop
      w.noise->AtBoundary(origin, budget, shared->stop);
      boundary = ReadBoundaryTicks();
    }
    if (iterate) {  // one call of its own, with its own fenced interval
      if (w.ring) w.ring->Start(OpKind::kIterate, 0);
      boundary = RecordIteration(w.map, w.log, w.noise, w.visit_delay_ns, boundary, shared);
    }
    const uint64_t before = done;
    done += count + (iterate ? 1 : 0);
    if (w.progress && (done >> 6) != (before >> 6)) {  // in steps of 64, like Worker
      w.progress->ops.fetch_add(((done >> 6) - (before >> 6)) << 6, std::memory_order_relaxed);
    }
    if (w.max_ops > 0 && done >= w.max_ops) break;
    if (budget > 0 && boundary - origin >= budget) break;
  }
  return done;
}

}  // namespace mapstress
