#include "core/live_progress.h"

#include <sys/mman.h>

#include <new>

namespace mapstress {

SharedLiveProgress::SharedLiveProgress() {
  void* memory = mmap(nullptr, sizeof(LiveProgress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  mapped_ = memory != MAP_FAILED;
  live_ = mapped_ ? new (memory) LiveProgress() : new LiveProgress();
}

SharedLiveProgress::~SharedLiveProgress() {
  if (!mapped_) {
    delete live_;
    return;
  }
  live_->~LiveProgress();
  munmap(live_, sizeof(LiveProgress));
}

}  // namespace mapstress
