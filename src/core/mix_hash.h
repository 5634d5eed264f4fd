// A cheap 64-bit mixing hash for picking stripes and buckets from integer keys.
#pragma once

#include <cstdint>

namespace mapstress {

// The splitmix64 finalizer: every input bit affects every output bit, so consecutive keys
// spread evenly over stripes and buckets.
inline uint64_t MixHash(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace mapstress
