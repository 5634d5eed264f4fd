// Live numbers for the progress line (written by the engine, read by another thread).
#pragma once

#include <atomic>
#include <cstdint>

namespace mapstress {

struct LiveProgress {
  std::atomic<uint64_t> ops{0};
  std::atomic<uint64_t> anomalies{0};  // of INTERESTING and FORBIDDEN kinds only
};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "counters shared with forked children");

// A LiveProgress in memory shared with the children forked after it (MAP_SHARED), so isolated
// and plugin cases count their ops and anomalies into the parent's progress line; on the heap
// when no shared mapping can be made.
class SharedLiveProgress {
 public:
  SharedLiveProgress();
  ~SharedLiveProgress();
  SharedLiveProgress(const SharedLiveProgress&) = delete;
  SharedLiveProgress& operator=(const SharedLiveProgress&) = delete;

  LiveProgress* get() const { return live_; }
  bool shared() const { return mapped_; }

 private:
  LiveProgress* live_ = nullptr;
  bool mapped_ = false;
};

}  // namespace mapstress
