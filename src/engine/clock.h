// The history clock: fenced timestamp reads that no map operation can move across, and a
// self-check of resolution and cross-core monotonicity.
#pragma once

#include <cstdint>
#include <string>

#include "core/run_context.h"

namespace mapstress {

enum class ClockSource : uint8_t { kTsc, kMonotonic };

namespace clock_internal {
extern ClockSource g_source;
// A full hardware fence around a clock read; it orders the op's memory accesses against the
// timestamp, not data between threads (so ThreadSanitizer need not model it).
inline void FullFence() {
#if defined(__x86_64__)
  asm volatile("mfence" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}
uint64_t MonotonicTicks();  // clock_gettime(CLOCK_MONOTONIC) in ns
// The fallback source with a full fence on both sides: serves as call, return and boundary read.
inline uint64_t FencedMonotonicTicks() {
  FullFence();
  uint64_t t = MonotonicTicks();
  FullFence();
  return t;
}
}  // namespace clock_internal

// Read before an operation: nothing after it (the op's loads and stores) starts before the
// read completes (RDTSC; LFENCE per the Intel SDM). Taking it early only widens the interval.
inline uint64_t ReadCallTicks() {
#if defined(__x86_64__)
  if (clock_internal::g_source == ClockSource::kTsc) {
    uint32_t lo, hi;
    asm volatile("rdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t{hi} << 32) | lo;
  }
#endif
  return clock_internal::FencedMonotonicTicks();
}

// Read after an operation: all its loads and stores are complete and globally visible first
// (a locked instruction drains the store buffer like MFENCE, and is cheaper on AMD and Intel;
// then LFENCE; RDTSC as the Intel SDM prescribes). Taking it late only widens the interval.
inline uint64_t ReadReturnTicks() {
#if defined(__x86_64__)
  if (clock_internal::g_source == ClockSource::kTsc) {
    uint32_t lo, hi;
    asm volatile("lock orq $0, (%%rsp)\n\tlfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory", "cc");
    return (uint64_t{hi} << 32) | lo;
  }
#endif
  return clock_internal::FencedMonotonicTicks();
}

// One read that ends one operation and begins the next: everything before it is complete
// and visible, and nothing after it starts before the read (both fences above).
inline uint64_t ReadBoundaryTicks() {
#if defined(__x86_64__)
  if (clock_internal::g_source == ClockSource::kTsc) {
    uint32_t lo, hi;
    asm volatile("lock orq $0, (%%rsp)\n\tlfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory", "cc");
    return (uint64_t{hi} << 32) | lo;
  }
#endif
  return ReadReturnTicks();
}

// A cheap unfenced read of the TSC: the CPU may take it early or late, so it only decides
// when to take a fenced read and estimates latency; it never bounds an interval.
// Only meaningful when CurrentClockSource() is kTsc.
inline uint64_t ReadUnfencedTicks() {
#if defined(__x86_64__)
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t{hi} << 32) | lo;
#else
  return clock_internal::MonotonicTicks();
#endif
}

// Ticks per nanosecond of the selected source (1 for kMonotonic).
double TicksPerNano();
ClockSource CurrentClockSource();
// Forces a source (tests; and the fallback when the TSC fails the self-check).
void UseClockSource(ClockSource source);

// Picks the TSC when the CPU declares it invariant (constant_tsc and nonstop_tsc), measures
// it, and falls back to CLOCK_MONOTONIC when it fails the cross-core check. Call once at start.
ClockCheck InitClock();
// Measures the current source: resolution, read cost, cross-core monotonicity (two threads
// handing a token back and forth; the receiver's read must not be before the sender's).
ClockCheck SelfCheckClock(uint64_t samples = 20000);

// One step of a wait loop: a pause, and every 1024th step a yield, so waiting threads do not
// starve the thread they wait for when threads outnumber CPUs.
void SpinPause(uint32_t* spins);

// Busy-waits for about `ns` nanoseconds (think time, visit delay).
void SpinFor(uint64_t ns);

}  // namespace mapstress
