#include "engine/clock.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace mapstress {
namespace clock_internal {

ClockSource g_source = ClockSource::kMonotonic;

uint64_t MonotonicTicks() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace clock_internal

namespace {

double g_ticks_per_ns = 1.0;

bool CpuHasInvariantTsc() {
#if defined(__x86_64__)
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line);
      bool constant = false, nonstop = false;
      std::string w;
      while (words >> w) {
        constant |= w == "constant_tsc";
        nonstop |= w == "nonstop_tsc";
      }
      return constant && nonstop;
    }
  }
#endif
  return false;
}

double CalibrateTsc() {
  uint64_t n0 = clock_internal::MonotonicTicks();
  uint64_t t0 = ReadCallTicks();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  uint64_t n1 = clock_internal::MonotonicTicks();
  uint64_t t1 = ReadCallTicks();
  return static_cast<double>(t1 - t0) / static_cast<double>(std::max<uint64_t>(1, n1 - n0));
}

}  // namespace

double TicksPerNano() { return g_ticks_per_ns; }
ClockSource CurrentClockSource() { return clock_internal::g_source; }

void UseClockSource(ClockSource source) {
  clock_internal::g_source = source;
  g_ticks_per_ns = source == ClockSource::kTsc ? CalibrateTsc() : 1.0;
}

void SpinPause(uint32_t* spins) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#endif
  if ((++*spins & 1023) == 0) std::this_thread::yield();
}

void SpinFor(uint64_t ns) {
  if (ns == 0) return;
  uint64_t ticks = static_cast<uint64_t>(static_cast<double>(ns) * g_ticks_per_ns);
  uint64_t start = ReadCallTicks();
  while (ReadCallTicks() - start < ticks) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
  }
}

ClockCheck SelfCheckClock(uint64_t samples) {
  ClockCheck check;
  check.source = CurrentClockSource() == ClockSource::kTsc ? "tsc" : "clock_gettime(CLOCK_MONOTONIC)";

  // Resolution: the smallest positive step between consecutive reads; cost: mean read time.
  constexpr int kReads = 100000;
  uint64_t min_step = UINT64_MAX;
  uint64_t first = ReadReturnTicks(), prev = first;
  for (int i = 0; i < kReads; ++i) {
    uint64_t t = ReadReturnTicks();
    if (t > prev) min_step = std::min(min_step, t - prev);
    prev = t;
  }
  check.resolution_ns = min_step == UINT64_MAX ? 1e9 : static_cast<double>(min_step) / g_ticks_per_ns;
  check.read_cost_ns = static_cast<double>(prev - first) / g_ticks_per_ns / kReads;

  // Cross-core: a token passes between two threads; each receiver reads after it saw the token,
  // so its read must be >= the sender's read taken before passing it.
  std::atomic<uint64_t> token{0};
  std::atomic<uint64_t> sent_at[2] = {0, 0};
  std::atomic<uint64_t> violations{0};
  auto player = [&](uint64_t me) {
    for (uint64_t i = me; i < samples; i += 2) {
      uint32_t spins = 0;
      while (token.load(std::memory_order_acquire) != i) SpinPause(&spins);
      // Fully fenced: a call-side read may legally execute before the token load (that only
      // widens an op's interval), which would look like a backward step here.
      uint64_t now = ReadReturnTicks();
      if (i > 0 && now < sent_at[(i - 1) % 2].load(std::memory_order_relaxed)) {
        violations.fetch_add(1, std::memory_order_relaxed);
      }
      sent_at[i % 2].store(ReadReturnTicks(), std::memory_order_relaxed);
      token.store(i + 1, std::memory_order_release);
    }
  };
  std::thread other(player, 1);
  player(0);
  other.join();
  check.cross_core_samples = samples;
  check.cross_core_violations = violations.load();

  check.trusted = check.cross_core_violations == 0 && check.resolution_ns <= 1000;
  if (check.cross_core_violations > 0) {
    check.note = fmt::format("{} of {} cross-core reads went backwards", check.cross_core_violations, samples);
  } else if (check.resolution_ns > 1000) {
    check.note = fmt::format("resolution {:.0f}ns is coarser than 1us", check.resolution_ns);
  } else if (check.resolution_ns > 100) {
    check.note = fmt::format("coarse resolution {:.0f}ns: short races may be inconclusive", check.resolution_ns);
  }
  return check;
}

ClockCheck InitClock() {
  if (CpuHasInvariantTsc()) {
    UseClockSource(ClockSource::kTsc);
    ClockCheck tsc = SelfCheckClock();
    if (tsc.trusted) return tsc;
    UseClockSource(ClockSource::kMonotonic);
    ClockCheck mono = SelfCheckClock();
    mono.note = "tsc rejected (" + tsc.note + "); " + mono.note;
    return mono;
  }
  UseClockSource(ClockSource::kMonotonic);
  return SelfCheckClock();
}

}  // namespace mapstress
