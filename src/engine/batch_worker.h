// The point-op loop for maps that run many ops per call (Map::HasBatch; plugins exporting
// mapstress_batch_for): a thread plans a batch of ops from its stream, runs them in one call,
// and records each with the call's fenced interval. See src/engine/README.md, "Batched calls".
#pragma once

#include <algorithm>
#include <cstdint>

#include "backend/backend.h"
#include "core/live_progress.h"
#include "engine/op_ring.h"
#include "engine/schedule_noise.h"
#include "engine/thread_log.h"
#include "engine/trial_shared.h"
#include "engine/workload.h"

namespace mapstress {

// How many ops the next call gets, so that the ops themselves span about the fence window:
// the first calls carry one op each and learn the call's own cost (the smallest one-op call);
// then each call's time beyond that cost, per op, feeds a moving average, and the size follows
// window / that average, at most doubling per call.
class BatchSizer {
 public:
  static constexpr uint32_t kMax = 256;        // ops per call
  static constexpr uint32_t kCalibration = 8;  // one-op calls first

  explicit BatchSizer(uint64_t window_ticks) : window_(window_ticks) {}
  uint32_t Size() const { return size_; }
  // After a call of `count` ops (>= 1) that took `ticks`, fenced read to fenced read.
  void Record(uint32_t count, uint64_t ticks) {
    if (count == 1) call_ticks_ = std::min(call_ticks_, ticks);
    if (calls_ < kCalibration) {
      ++calls_;
      return;
    }
    const uint64_t sample = ((ticks > call_ticks_ ? ticks - call_ticks_ : 0) << 4) / count;  // per op, x16
    per_op16_ = calls_ == kCalibration ? sample : (3 * per_op16_ + sample) / 4;
    calls_ = kCalibration + 1;
    const uint64_t fit = (window_ << 4) / std::max<uint64_t>(per_op16_, 1);
    size_ = static_cast<uint32_t>(std::clamp<uint64_t>(fit, 1, std::min<uint64_t>(2 * uint64_t{size_}, kMax)));
  }

 private:
  uint64_t window_;
  uint64_t call_ticks_ = UINT64_MAX;  // the cheapest one-op call: the call's own cost
  uint64_t per_op16_ = 0;             // ticks per op beyond the call's cost, times 16
  uint32_t calls_ = 0;
  uint32_t size_ = 1;
};

struct BatchLoop {
  Map* map;
  ThreadLog* log;
  OpRing* ring;  // may be null
  OpStream* stream;
  ScheduleNoise* noise;
  TrialShared* shared;
  LockstepBarrier* lockstep;  // null unless `round` > 0
  LiveProgress* progress;     // may be null
  uint32_t round;             // lockstep: ops per round; 0: none
  uint32_t trial;
  uint32_t writer_id;  // EncodeValue's writer + 1
  uint64_t max_ops;    // 0: until the budget or stop
  uint64_t visit_delay_ns;
};

// Runs the thread's ops until stop, the time budget, max_ops or a full log, and returns how
// many it ran; `seq` is the thread's next store sequence number. Iterations and the points
// where noise or a lockstep barrier act fall between calls. Never throws, no lock, no allocation.
uint64_t RunBatchLoop(const BatchLoop& loop, uint64_t* seq) noexcept;

}  // namespace mapstress
