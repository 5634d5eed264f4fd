// One iteration, recorded: its entries into the thread's log between a begin record (the call
// tick) and an end record (a fenced read after iterate() returned). Shared by the worker loops.
#pragma once

#include <atomic>
#include <cstdint>

#include "backend/backend.h"
#include "engine/clock.h"
#include "engine/schedule_noise.h"
#include "engine/thread_log.h"
#include "engine/trial_shared.h"

namespace mapstress {

struct IterationSink {
  ThreadLog* log;
  uint64_t visit_delay_ns;
  ScheduleNoise* noise;
  bool complete;
};

inline bool VisitEntry(void* ctx, uint64_t key, uint64_t value) {
  auto* sink = static_cast<IterationSink*>(ctx);
  if (!sink->log->Entry(key, value)) {
    sink->complete = false;
    return true;  // buffer full: stop
  }
  if (sink->visit_delay_ns) SpinFor(sink->visit_delay_ns);
  sink->noise->InCallback();  // inside the iteration's interval: it only gets wider
  return false;
}

// Iterates `map` from `call` (a fenced read, absolute ticks); returns the fenced return tick.
// A log that fills up drops the iteration and stops the trial (overflow).
inline uint64_t RecordIteration(Map* map, ThreadLog* log, ScheduleNoise* noise, uint64_t visit_delay_ns, uint64_t call,
                                TrialShared* shared) {
  IterationSink sink{log, visit_delay_ns, noise, true};
  auto* begin = log->BeginIteration(call - shared->origin);
  map->Iterate(Visitor{&VisitEntry, &sink});
  const uint64_t ret = ReadBoundaryTicks();
  log->EndIteration(begin, ret - shared->origin, sink.complete);
  if (!sink.complete) {
    shared->overflow.store(true, std::memory_order_relaxed);
    shared->stop.store(true, std::memory_order_relaxed);
  }
  return ret;
}

}  // namespace mapstress
