// Narrow-window backends (testing only): a direct-mapped slot array (slot = key) whose
// writers are serialised per slot by a spin lock while loads and iterations read without
// one. `faulty-torn-store` writes an overwrite in two 32-bit halves, `faulty-early-present`
// sets an inserted key's "present" flag before its value; between the two stores sits a gap
// of `window` loop steps (0 = two back-to-back stores). `slots` is their correct twin: one
// 64-bit word per slot. Each bug shows only when a reader lands inside that gap, which is what
// the schedule noise and the hot-key scenarios are measured against (`detect_bench`).
#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

constexpr uint64_t kMaxSlots = uint64_t{1} << 20;

enum class SlotBug : uint8_t { kNone, kTornStore, kEarlyPresent };

// One cache line per slot, so a collision is a collision on one key only.
struct alignas(64) Slot {
  std::atomic<uint32_t> lock{0};
  std::atomic<uint32_t> present{0};  // kEarlyPresent only
  std::atomic<uint32_t> hi{0};       // kTornStore: the halves; hi == 0 means absent
  std::atomic<uint32_t> lo{0};
  std::atomic<uint64_t> word{0};  // kNone and kEarlyPresent: the value (0 = absent for kNone)
};

// The gap between the two racy stores: `steps` iterations the compiler cannot remove.
inline void Gap(uint32_t steps) {
  for (uint32_t i = 0; i < steps; ++i) asm volatile("" ::: "memory");
}

class SlotMap final : public Map {
 public:
  SlotMap(SlotBug bug, uint32_t window, uint64_t slots)
      : bug_(bug), window_(window), n_(slots), slots_(new Slot[slots]) {}

  void Store(uint64_t key, uint64_t value) override {
    if (key >= n_) return;
    Slot& s = slots_[key];
    Lock(s);
    switch (bug_) {
      case SlotBug::kNone: s.word.store(value, std::memory_order_release); break;
      case SlotBug::kTornStore: {
        // THE BUG: a reader between the two halves sees the new low half with the old high half.
        s.lo.store(static_cast<uint32_t>(value), std::memory_order_release);
        Gap(window_);
        s.hi.store(static_cast<uint32_t>(value >> 32), std::memory_order_release);
        break;
      }
      case SlotBug::kEarlyPresent: {
        if (s.present.load(std::memory_order_relaxed) == 0) {
          // THE BUG: "present" before the value: a reader in between sees the slot's old value,
          // the one the key held before it was erased.
          s.present.store(1, std::memory_order_release);
          Gap(window_);
        }
        s.word.store(value, std::memory_order_release);
        break;
      }
    }
    s.lock.store(0, std::memory_order_release);
  }

  bool Erase(uint64_t key) override {
    if (key >= n_) return false;
    Slot& s = slots_[key];
    Lock(s);
    bool was = false;
    switch (bug_) {
      case SlotBug::kNone: was = s.word.exchange(0, std::memory_order_acq_rel) != 0; break;
      case SlotBug::kTornStore: was = s.hi.exchange(0, std::memory_order_acq_rel) != 0; break;  // one word: atomic
      case SlotBug::kEarlyPresent: was = s.present.exchange(0, std::memory_order_acq_rel) != 0; break;
    }
    s.lock.store(0, std::memory_order_release);
    return was;
  }

  bool Load(uint64_t key, uint64_t* value) override { return key < n_ && Read(slots_[key], value); }

  void Iterate(const Visitor& visit) override {
    for (uint64_t k = 0; k < n_; ++k) {
      uint64_t v;
      if (Read(slots_[k], &v) && visit(k, v)) return;
    }
  }

 private:
  static void Lock(Slot& s) {
    uint32_t spins = 0;
    while (s.lock.exchange(1, std::memory_order_acquire) != 0) {
      if ((++spins & 255) == 0) std::this_thread::yield();  // the holder may be preempted
    }
  }

  bool Read(const Slot& s, uint64_t* value) const {
    switch (bug_) {
      case SlotBug::kNone: *value = s.word.load(std::memory_order_acquire); return *value != 0;
      case SlotBug::kTornStore: {
        uint32_t hi = s.hi.load(std::memory_order_acquire);  // high half first, then low
        if (hi == 0) return false;
        *value = (uint64_t{hi} << 32) | s.lo.load(std::memory_order_acquire);
        return true;
      }
      case SlotBug::kEarlyPresent:
        if (s.present.load(std::memory_order_acquire) == 0) return false;
        *value = s.word.load(std::memory_order_acquire);
        return *value != 0;  // 0: never stored since the map was created (a new slot)
    }
    return false;
  }

  const SlotBug bug_;
  const uint32_t window_;
  const uint64_t n_;
  std::unique_ptr<Slot[]> slots_;
};

BackendInfo SlotInfo(std::string name, std::string description, SlotBug bug, uint32_t window, std::string promise) {
  BackendInfo info;
  info.name = std::move(name);
  info.description = std::move(description);
  info.guarantee = Guarantee::kWeak;
  info.promise = std::move(promise);
  info.concurrency = "everything may overlap iteration: writers lock one slot, loads and iterations take no lock";
  info.testing_only = true;
  info.create = [bug, window](const BackendOptions& options) {
    // The engine passes at least keys.count, so every key of the scenario has its slot.
    const uint64_t slots = std::max<uint64_t>(1, options.capacity_hint);
    if (slots > kMaxSlots) {
      throw std::runtime_error("a slot per key: needs keys.count <= " + std::to_string(kMaxSlots) + ", got " +
                               std::to_string(slots));
    }
    return std::make_unique<SlotMap>(bug, window, slots);
  };
  return info;
}

std::string WindowSuffix(uint32_t window) { return window == 0 ? "" : "-w" + std::to_string(window); }

std::string GapText(uint32_t window) {
  return window == 0 ? "two back-to-back stores" : "a gap of " + std::to_string(window) + " loop steps";
}

}  // namespace

BackendInfo SlotsBackend() {
  return SlotInfo("slots", "testing only: correct twin of the narrow-window faulty backends (one word per slot)",
                  SlotBug::kNone, 0,
                  "weak, by construction: each slot is one atomic 64-bit word (0 = absent), read once per visit; "
                  "the correct twin of faulty-torn-store and faulty-early-present");
}

BackendInfo FaultyTornStoreBackend(uint32_t window) {
  return SlotInfo("faulty-torn-store" + WindowSuffix(window),
                  "testing only: an overwrite stores its two 32-bit halves separately (" + GapText(window) + ")",
                  SlotBug::kTornStore, window,
                  "weak (claimed): a slot per key, otherwise correct. Deliberately broken: an overwrite stores the "
                  "low half, then (" +
                      GapText(window) +
                      ") the high half; a reader in between sees a value nobody stored "
                      "(unknown_value)");
}

BackendInfo FaultyEarlyPresentBackend(uint32_t window) {
  return SlotInfo("faulty-early-present" + WindowSuffix(window),
                  "testing only: an insert publishes \"present\" before the value (" + GapText(window) + ")",
                  SlotBug::kEarlyPresent, window,
                  "weak (claimed): a slot per key, otherwise correct. Deliberately broken: an insert sets the "
                  "present flag, then (" +
                      GapText(window) +
                      ") the value; a reader in between sees the value from before the last "
                      "erase (stale_value, stale_read)");
}

BackendInfo FaultyTornStoreBackend() { return FaultyTornStoreBackend(0); }
BackendInfo FaultyTornStoreWideBackend() { return FaultyTornStoreBackend(kWideWindow); }
BackendInfo FaultyEarlyPresentBackend() { return FaultyEarlyPresentBackend(0); }
BackendInfo FaultyEarlyPresentWideBackend() { return FaultyEarlyPresentBackend(kWideWindow); }

}  // namespace mapstress
