// `syncmap`: a port of Go 1.19's sync.Map (src/sync/map.go) to C++ without a garbage collector.
//
// Memory scheme: an immutable ReadOnly {m, amended} is published through an
// SharedSlot (a shared_ptr copied under a tiny spin lock); its map m is itself a shared_ptr to a map that is never
// changed once published, so ReadOnly copies (amended flips) share it. Entries are
// shared_ptrs held by the read map and the dirty map alike, so an entry lives as long as
// either map (or a reader still holding an old ReadOnly) refers to it. An entry's value is
// kept inline in one std::atomic<uint64_t>, with sentinels in place of Go's pointers:
// kNil (0) for Go's nil and kExpunged (UINT64_MAX) for expunged; the engine never stores
// either value. The dirty map is owned by the Map under mu_ and is handed over to a new
// ReadOnly on promotion, after which nobody changes it (Go sets m.dirty = nil then too).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "backend/builtin_backends.h"
#include "backend/shared_slot.h"

namespace mapstress {
namespace {

constexpr uint64_t kNil = 0;                // deleted (still in dirty, if dirty exists)
constexpr uint64_t kExpunged = UINT64_MAX;  // deleted and absent from dirty

struct SyncEntry {
  explicit SyncEntry(uint64_t v) : p(v) {}

  // Go's entry.load.
  bool Load(uint64_t* value) const {
    uint64_t v = p.load(std::memory_order_acquire);
    if (v == kNil || v == kExpunged) return false;
    *value = v;
    return true;
  }
  // Go's tryStore: fails only if the entry is expunged.
  bool TryStore(uint64_t value) {
    uint64_t v = p.load(std::memory_order_acquire);
    while (true) {
      if (v == kExpunged) return false;
      if (p.compare_exchange_weak(v, value, std::memory_order_acq_rel)) return true;
    }
  }
  // Go's unexpungeLocked: true if it was expunged (caller must add it to dirty).
  bool UnexpungeLocked() {
    uint64_t expected = kExpunged;
    return p.compare_exchange_strong(expected, kNil, std::memory_order_acq_rel);
  }
  void StoreLocked(uint64_t value) { p.store(value, std::memory_order_release); }
  // Go's entry.delete: true if it held a value.
  bool Delete() {
    uint64_t v = p.load(std::memory_order_acquire);
    while (true) {
      if (v == kNil || v == kExpunged) return false;
      if (p.compare_exchange_weak(v, kNil, std::memory_order_acq_rel)) return true;
    }
  }
  // Go's tryExpungeLocked: turns nil into expunged; true if now expunged.
  bool TryExpungeLocked() {
    uint64_t v = p.load(std::memory_order_acquire);
    while (v == kNil) {
      if (p.compare_exchange_weak(v, kExpunged, std::memory_order_acq_rel)) return true;
    }
    return v == kExpunged;
  }

  std::atomic<uint64_t> p;
};

using EntryMap = std::unordered_map<uint64_t, std::shared_ptr<SyncEntry>>;

struct ReadOnly {
  std::shared_ptr<const EntryMap> m;
  bool amended = false;  // true if dirty holds a key that m lacks
};

class SyncMap final : public Map {
 public:
  SyncMap() { read_.store(std::make_shared<const ReadOnly>(ReadOnly{std::make_shared<const EntryMap>(), false})); }

  bool Load(uint64_t key, uint64_t* value) override {
    std::shared_ptr<const ReadOnly> read = read_.load();
    std::shared_ptr<SyncEntry> e = Find(*read->m, key);
    if (e == nullptr && read->amended) {
      std::lock_guard lock(mu_);
      read = read_.load();  // double-check: dirty may have been promoted meanwhile
      e = Find(*read->m, key);
      if (e == nullptr && read->amended) {
        e = Find(*dirty_, key);
        MissLocked();
      }
    }
    if (e == nullptr) return false;
    return e->Load(value);
  }

  void Store(uint64_t key, uint64_t value) override {
    std::shared_ptr<const ReadOnly> read = read_.load();
    if (auto e = Find(*read->m, key); e != nullptr && e->TryStore(value)) return;
    std::lock_guard lock(mu_);
    read = read_.load();
    if (auto e = Find(*read->m, key); e != nullptr) {
      if (e->UnexpungeLocked()) (*dirty_)[key] = e;  // expunged implies dirty exists
      e->StoreLocked(value);
    } else if (auto d = dirty_ ? Find(*dirty_, key) : nullptr; d != nullptr) {
      d->StoreLocked(value);
    } else {
      if (!read->amended) {
        DirtyLocked();  // first new key since the last promotion
        read_.store(std::make_shared<const ReadOnly>(ReadOnly{read->m, true}));
      }
      (*dirty_)[key] = std::make_shared<SyncEntry>(value);
    }
  }

  // Go's LoadAndDelete.
  bool Erase(uint64_t key) override {
    std::shared_ptr<const ReadOnly> read = read_.load();
    std::shared_ptr<SyncEntry> e = Find(*read->m, key);
    if (e == nullptr && read->amended) {
      std::lock_guard lock(mu_);
      read = read_.load();
      e = Find(*read->m, key);
      if (e == nullptr && read->amended) {
        e = Find(*dirty_, key);
        dirty_->erase(key);
        MissLocked();
      }
    }
    if (e == nullptr) return false;
    return e->Delete();
  }

  // Go's Range: promote dirty first if it has keys that read lacks, then walk the read map,
  // loading each entry's current value.
  void Iterate(const Visitor& visit) override {
    std::shared_ptr<const ReadOnly> read = read_.load();
    if (read->amended) {
      std::lock_guard lock(mu_);
      read = read_.load();
      if (read->amended) {
        read = std::make_shared<const ReadOnly>(ReadOnly{std::move(dirty_), false});
        read_.store(read);
        misses_ = 0;
      }
    }
    for (const auto& [k, e] : *read->m) {
      uint64_t v;
      if (!e->Load(&v)) continue;
      if (visit(k, v)) return;
    }
  }

 private:
  static std::shared_ptr<SyncEntry> Find(const EntryMap& m, uint64_t key) {
    auto it = m.find(key);
    return it == m.end() ? nullptr : it->second;
  }

  // Go's missLocked: promote dirty once the misses have paid for copying it.
  void MissLocked() {
    ++misses_;
    if (misses_ < dirty_->size()) return;
    read_.store(std::make_shared<const ReadOnly>(ReadOnly{std::move(dirty_), false}));
    misses_ = 0;
  }

  // Go's dirtyLocked: build dirty from read, expunging deleted entries instead of copying them.
  void DirtyLocked() {
    if (dirty_ != nullptr) return;
    std::shared_ptr<const ReadOnly> read = read_.load();
    dirty_ = std::make_unique<EntryMap>(read->m->size());
    for (const auto& [k, e] : *read->m) {
      if (!e->TryExpungeLocked()) dirty_->emplace(k, e);
    }
  }

  std::mutex mu_;
  // libstdc++ guards this with a spin bit inside the pointer: short, but not lock-free.
  SharedSlot<ReadOnly> read_;
  std::unique_ptr<EntryMap> dirty_;  // null is Go's nil dirty map; guarded by mu_
  size_t misses_ = 0;                // guarded by mu_
};

}  // namespace

BackendInfo SyncMapBackend() {
  BackendInfo info;
  info.name = "syncmap";
  info.description = "a C++ port of Go 1.19's sync.Map (read map + dirty map + misses)";
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "weak: Go's sync.Map docs for Range: \"Range does not necessarily correspond to any "
      "consistent snapshot of the Map's contents: no key will be visited more than once, but if "
      "the value for any key is stored or deleted concurrently (including by f), Range may "
      "reflect any mapping for that key from any point during the Range call.\" "
      "(https://pkg.go.dev/sync#Map.Range)";
  info.concurrency = "all operations may overlap iteration, including from inside the visitor";
  info.in_default_set = true;
  info.create = [](const BackendOptions&) { return std::make_unique<SyncMap>(); };
  return info;
}

}  // namespace mapstress
