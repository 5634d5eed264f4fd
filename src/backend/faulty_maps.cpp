// Deliberately faulty backends (testing only), each a mutex map with exactly one bug, so the
// checker and the engine can be shown to catch it. faulty-skip-on-resize lives in
// faulty_skip_on_resize_map.cpp.
#include <atomic>
#include <chrono>
#include <csignal>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

// Widens a race's gap by 2 µs without giving the CPU away (a yield on a loaded machine would hand
// it to another process for a whole time slice, and the racing ops would come out wide apart).
void SpinGap() {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(2);
  while (std::chrono::steady_clock::now() < until) {
  }
}

// Correct mutex-map semantics over a per-key record R with a `value` member; a subclass
// overrides what carries its bug (Iterate for most).
template <typename R>
class MutexRecordMap : public Map {
 public:
  void Store(uint64_t key, uint64_t value) override {
    std::lock_guard lock(mu_);
    auto [it, inserted] = map_.try_emplace(key);
    OnStore(it->second, value, inserted);
  }
  bool Erase(uint64_t key) override {
    std::lock_guard lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    OnErase(key, it->second);
    map_.erase(it);
    return true;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    std::lock_guard lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *value = it->second.value;
    return true;
  }
  void Iterate(const Visitor& visit) override {
    std::lock_guard lock(mu_);
    for (const auto& [k, r] : map_) {
      if (visit(k, r.value)) return;
    }
  }

 protected:
  virtual void OnStore(R& record, uint64_t value, bool /*inserted*/) { record.value = value; }
  virtual void OnErase(uint64_t /*key*/, const R& /*record*/) {}

  std::mutex mu_;
  std::unordered_map<uint64_t, R> map_;
};

struct PlainRecord {
  uint64_t value = 0;
};

// A record that remembers the value it held before the current one.
struct VersionedRecord {
  uint64_t value = 0;
  uint64_t previous = 0;
  uint64_t stores = 0;  // stores since the key was inserted, the insert included
};

class VersionedMap : public MutexRecordMap<VersionedRecord> {
 protected:
  void OnStore(VersionedRecord& r, uint64_t value, bool /*inserted*/) override {
    r.previous = r.value;
    r.value = value;
    ++r.stores;
  }
};

// faulty-lingering-erase: iteration also shows the last kRing erased entries that are absent.
class LingeringEraseMap final : public MutexRecordMap<PlainRecord> {
 public:
  void Iterate(const Visitor& visit) override {
    std::lock_guard lock(mu_);
    for (const auto& [k, r] : map_) {
      if (visit(k, r.value)) return;
    }
    // THE BUG: recently erased entries linger (newest first, each key once).
    std::unordered_set<uint64_t> shown;
    for (auto it = erased_.rbegin(); it != erased_.rend(); ++it) {
      if (map_.count(it->first) > 0 || !shown.insert(it->first).second) continue;
      if (visit(it->first, it->second)) return;
    }
  }

 private:
  static constexpr size_t kRing = 64;
  void OnErase(uint64_t key, const PlainRecord& r) override {
    erased_.emplace_back(key, r.value);
    if (erased_.size() > kRing) erased_.pop_front();
  }
  std::deque<std::pair<uint64_t, uint64_t>> erased_;  // oldest first; guarded by mu_
};

// faulty-old-version: keys overwritten at least twice are iterated with their previous value.
class OldVersionMap final : public VersionedMap {
 public:
  void Iterate(const Visitor& visit) override {
    std::lock_guard lock(mu_);
    for (const auto& [k, r] : map_) {
      uint64_t v = r.stores >= 3 ? r.previous : r.value;  // THE BUG
      if (visit(k, v)) return;
    }
  }
};

// faulty-double-visit: every 64th entry is visited twice in a row.
class DoubleVisitMap final : public MutexRecordMap<PlainRecord> {
 public:
  void Iterate(const Visitor& visit) override {
    std::lock_guard lock(mu_);
    uint64_t n = 0;
    for (const auto& [k, r] : map_) {
      if (visit(k, r.value)) return;
      if (++n % 64 == 0 && visit(k, r.value)) return;  // THE BUG
    }
  }
};

// faulty-erase-result: every 8th erase of an absent key reports that it removed the key.
class EraseResultMap final : public MutexRecordMap<PlainRecord> {
 public:
  bool Erase(uint64_t key) override {
    std::lock_guard lock(mu_);
    if (map_.erase(key) > 0) return true;
    return ++absent_erases_ % 8 == 0;  // THE BUG: a removal that did not happen
  }

 private:
  uint64_t absent_erases_ = 0;  // guarded by mu_
};

// faulty-double-remove: an erase looks the key up under the lock, lets the lock go, and then
// removes whatever is there, reporting the removal it saw: two erases that overlap both report it.
class DoubleRemoveMap final : public MutexRecordMap<PlainRecord> {
 public:
  bool Erase(uint64_t key) override {
    {
      std::lock_guard lock(mu_);
      if (map_.count(key) == 0) return false;
    }
    SpinGap();
    std::lock_guard lock(mu_);
    map_.erase(key);  // THE BUG: another erase may have removed it in between; true all the same
    return true;
  }
};

// faulty-lagging-replica: every write goes to the primary copy, then, 2 µs later, to a replica
// (writes are serialized, so both copies take them in one order); loads read the two in turn.
class LaggingReplicaMap final : public MutexRecordMap<PlainRecord> {
 public:
  void Store(uint64_t key, uint64_t value) override {
    std::lock_guard writing(write_mu_);
    MutexRecordMap::Store(key, value);
    SpinGap();
    std::lock_guard lock(replica_mu_);
    replica_[key] = value;
  }
  bool Erase(uint64_t key) override {
    std::lock_guard writing(write_mu_);
    const bool removed = MutexRecordMap::Erase(key);
    SpinGap();
    std::lock_guard lock(replica_mu_);
    replica_.erase(key);
    return removed;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    thread_local uint64_t loads = 0;
    if (++loads % 2 == 0) return MutexRecordMap::Load(key, value);
    std::lock_guard lock(replica_mu_);  // THE BUG: the replica may not have the newest write yet
    auto it = replica_.find(key);
    if (it == replica_.end()) return false;
    *value = it->second;
    return true;
  }

 private:
  std::mutex write_mu_;    // one write at a time, through both copies
  std::mutex replica_mu_;  // guards replica_
  std::unordered_map<uint64_t, uint64_t> replica_;
};

// faulty-torn-value: every 8th entry is yielded with a torn value: the current value's high
// half with the previous value's low half, or, when that equals a real value, the current
// value with bit 62 flipped.
class TornValueMap final : public VersionedMap {
 public:
  void Iterate(const Visitor& visit) override {
    std::lock_guard lock(mu_);
    uint64_t n = 0;
    for (const auto& [k, r] : map_) {
      uint64_t v = r.value;
      if (++n % 8 == 0) v = Torn(r);  // THE BUG
      if (visit(k, v)) return;
    }
  }

 private:
  static uint64_t Torn(const VersionedRecord& r) {
    if (r.stores >= 2) {
      uint64_t mixed = (r.value & 0xffffffff00000000ULL) | (r.previous & 0xffffffffULL);
      if (mixed != r.value && mixed != r.previous) return mixed;
    }
    return r.value ^ (uint64_t{1} << 62);
  }
};

// faulty-crash: raises SIGSEGV on the 2000th store.
class CrashMap final : public MutexRecordMap<PlainRecord> {
 public:
  void Store(uint64_t key, uint64_t value) override {
    if (stores_.fetch_add(1, std::memory_order_relaxed) + 1 == kCrashAt) std::raise(SIGSEGV);
    MutexRecordMap::Store(key, value);
  }

 private:
  static constexpr uint64_t kCrashAt = 2000;
  std::atomic<uint64_t> stores_{0};
};

// faulty-hang: after its 2000th op, every op (iteration included) blocks forever.
class HangMap final : public MutexRecordMap<PlainRecord> {
 public:
  void Store(uint64_t key, uint64_t value) override {
    Count();
    MutexRecordMap::Store(key, value);
  }
  bool Erase(uint64_t key) override {
    Count();
    return MutexRecordMap::Erase(key);
  }
  bool Load(uint64_t key, uint64_t* value) override {
    Count();
    return MutexRecordMap::Load(key, value);
  }
  void Iterate(const Visitor& visit) override {
    Count();
    MutexRecordMap::Iterate(visit);
  }

 private:
  static constexpr uint64_t kHangAfter = 2000;
  void Count() {
    if (ops_.fetch_add(1, std::memory_order_relaxed) < kHangAfter) return;
    while (true) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::atomic<uint64_t> ops_{0};
};

BackendInfo FaultyInfo(const char* name, const char* description, Guarantee guarantee, const char* bug) {
  BackendInfo info;
  info.name = name;
  info.description = description;
  info.guarantee = guarantee;
  info.promise =
      std::string(GuaranteeName(guarantee)) + " (claimed): a mutex map, otherwise correct. Deliberately broken: " + bug;
  info.concurrency = "all operations may overlap iteration (they wait for the lock)";
  info.testing_only = true;
  return info;
}

}  // namespace

BackendInfo FaultyLingeringEraseBackend() {
  BackendInfo info =
      FaultyInfo("faulty-lingering-erase", "testing only: iteration also shows the last 64 erased entries",
                 Guarantee::kWeak, "recently erased keys are visited (phantom)");
  info.create = [](const BackendOptions&) { return std::make_unique<LingeringEraseMap>(); };
  return info;
}

BackendInfo FaultyOldVersionBackend() {
  BackendInfo info = FaultyInfo("faulty-old-version", "testing only: iteration yields the previous value of hot keys",
                                Guarantee::kWeak,
                                "keys overwritten at least twice are visited with the value before the current one "
                                "(stale_value)");
  info.create = [](const BackendOptions&) { return std::make_unique<OldVersionMap>(); };
  return info;
}

BackendInfo FaultyDoubleVisitBackend() {
  BackendInfo info = FaultyInfo("faulty-double-visit", "testing only: iteration visits every 64th entry twice",
                                Guarantee::kWeak, "every 64th visited entry is visited twice (duplicate)");
  info.create = [](const BackendOptions&) { return std::make_unique<DoubleVisitMap>(); };
  return info;
}

BackendInfo FaultyTornValueBackend() {
  BackendInfo info = FaultyInfo("faulty-torn-value", "testing only: iteration tears every 8th value", Guarantee::kWeak,
                                "every 8th visited value mixes halves of the current and previous values, or has a bit "
                                "flipped (unknown_value)");
  info.create = [](const BackendOptions&) { return std::make_unique<TornValueMap>(); };
  return info;
}

BackendInfo FaultyEraseResultBackend() {
  BackendInfo info = FaultyInfo(
      "faulty-erase-result", "testing only: every 8th erase of an absent key reports a removal", Guarantee::kSnapshot,
      "every 8th erase of an absent key returns true as if it had removed it (stale_read)");
  info.create = [](const BackendOptions&) { return std::make_unique<EraseResultMap>(); };
  return info;
}

BackendInfo FaultyDoubleRemoveBackend() {
  BackendInfo info = FaultyInfo(
      "faulty-double-remove", "testing only: two overlapping erases of one entry both report removing it",
      Guarantee::kSnapshot,
      "an erase checks for the key and removes it in two steps, so two erases whose steps interleave both return true "
      "(stale_read)");
  info.create = [](const BackendOptions&) { return std::make_unique<DoubleRemoveMap>(); };
  return info;
}

BackendInfo FaultyLaggingReplicaBackend() {
  BackendInfo info = FaultyInfo(
      "faulty-lagging-replica", "testing only: loads alternate between a copy and a replica written 2 µs later",
      Guarantee::kSnapshot,
      "a write reaches the replica 2 µs after the primary copy and loads read the two in turn, so a load can return "
      "the old value after another load returned the new one (stale_read)");
  info.create = [](const BackendOptions&) { return std::make_unique<LaggingReplicaMap>(); };
  return info;
}

BackendInfo FaultyCrashBackend() {
  BackendInfo info = FaultyInfo("faulty-crash", "testing only: raises SIGSEGV on the 2000th store",
                                Guarantee::kSnapshot, "the 2000th store raises SIGSEGV (crashed)");
  info.always_isolate = true;
  info.create = [](const BackendOptions&) { return std::make_unique<CrashMap>(); };
  return info;
}

BackendInfo FaultyHangBackend() {
  BackendInfo info = FaultyInfo("faulty-hang", "testing only: every op after the 2000th blocks", Guarantee::kSnapshot,
                                "every operation after the 2000th blocks forever (hung)");
  info.always_isolate = true;
  info.create = [](const BackendOptions&) { return std::make_unique<HangMap>(); };
  return info;
}

}  // namespace mapstress
