// Live numbers for the progress line (written by the engine, read by another thread).
#pragma once

#include <atomic>
#include <cstdint>

namespace mapstress {

struct LiveProgress {
  std::atomic<uint64_t> ops{0};
  std::atomic<uint64_t> anomalies{0};
};

}  // namespace mapstress
