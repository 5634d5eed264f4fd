// Limits that more than one layer enforces or sizes for.
#pragma once

#include <cstdint>

namespace mapstress {

// The most worker threads one scenario may have (the loader rejects more; backends size for it).
inline constexpr uint32_t kMaxThreads = 1024;

}  // namespace mapstress
