// `ck-hs`: Concurrency Kit ck_hs in SPMC mode (one writer, many readers), iterated with
// ck_hs_next_spmc. Entries are heap objects {key, value}; memory is reclaimed with ck_epoch.
// Compiled only when CMake found ck (pkg-config).
#ifdef MAPSTRESS_HAVE_CK

// The ck headers have no extern "C" guards of their own.
extern "C" {
#include <ck_epoch.h>
#include <ck_hs.h>
#include <ck_malloc.h>
}

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#include "backend/builtin_backends.h"
#include "core/limits.h"

namespace mapstress {
namespace {

// An entry is immutable once published: the writer replaces it (ck_hs_set) to update a value.
struct Entry {
  ck_epoch_entry_t epoch_entry;
  uint64_t key;
  uint64_t value;
};

unsigned long Mix(uint64_t key) {  // splitmix64 finalizer
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ULL;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebULL;
  key ^= key >> 31;
  return static_cast<unsigned long>(key);
}

unsigned long HashEntry(const void* object, unsigned long seed) {
  return Mix(static_cast<const Entry*>(object)->key ^ seed);
}
bool SameKey(const void* a, const void* b) {
  return static_cast<const Entry*>(a)->key == static_cast<const Entry*>(b)->key;
}

void FreeEntry(ck_epoch_entry_t* e) { delete reinterpret_cast<Entry*>(e); }  // epoch_entry is first

// ck_hs asks its allocator to free its old bucket array with defer = true when it grows:
// readers may still scan it. ck_malloc has no context pointer, so the writer op publishes its
// epoch record here for the duration of the ck_hs call.
thread_local ck_epoch_record_t* defer_record = nullptr;

struct alignas(16) BlockHeader {
  ck_epoch_entry_t epoch_entry;
};

void FreeBlock(ck_epoch_entry_t* e) { std::free(reinterpret_cast<BlockHeader*>(e)); }

void* HsMalloc(size_t size) {
  void* raw = std::malloc(sizeof(BlockHeader) + size);
  return raw == nullptr ? nullptr : static_cast<BlockHeader*>(raw) + 1;
}
void HsFree(void* p, size_t, bool defer) {
  if (p == nullptr) return;
  BlockHeader* header = static_cast<BlockHeader*>(p) - 1;
  if (!defer) {
    std::free(header);
  } else if (defer_record != nullptr) {
    ck_epoch_call(defer_record, &header->epoch_entry, FreeBlock);
  }
  // defer without a record cannot happen (only writer ops grow the table); leaking is the
  // safe fallback, since a reader may still scan the block.
}
void* HsRealloc(void* p, size_t old_size, size_t new_size, bool defer) {
  void* fresh = HsMalloc(new_size);
  if (fresh == nullptr) return nullptr;
  std::memcpy(fresh, p, old_size < new_size ? old_size : new_size);
  HsFree(p, old_size, defer);
  return fresh;
}

ck_malloc kAllocator = {HsMalloc, HsRealloc, HsFree};

std::atomic<uint64_t> next_map_id{1};

// The calling thread's epoch record for the map it last used (a thread works on one map at a
// time; map ids are never reused, so a stale slot is never mistaken for a live one).
struct ThreadSlot {
  uint64_t map_id = 0;
  ck_epoch_record_t* record = nullptr;
};
thread_local ThreadSlot slot;

class CkHsMap final : public Map {
 public:
  explicit CkHsMap(const BackendOptions& options) {
    ck_epoch_init(&epoch_);
    unsigned long capacity = options.capacity_hint > 8 ? options.capacity_hint : 8;
    if (!ck_hs_init(&hs_, CK_HS_MODE_OBJECT | CK_HS_MODE_SPMC, HashEntry, SameKey, &kAllocator, capacity,
                    0x9e3779b97f4a7c15UL)) {
      throw std::runtime_error("ck_hs_init failed");
    }
  }

  ~CkHsMap() override {
    // Every thread has stopped: run all deferred frees, then free the live entries.
    for (ck_epoch_record_t* r : records_) ck_epoch_reclaim(r);
    ck_hs_iterator_t it = CK_HS_ITERATOR_INITIALIZER;
    void* object;
    std::vector<Entry*> live;
    while (ck_hs_next(&hs_, &it, &object)) live.push_back(static_cast<Entry*>(object));
    ck_hs_destroy(&hs_);
    for (Entry* e : live) delete e;
    for (ck_epoch_record_t* r : records_) delete r;
  }

  void Store(uint64_t key, uint64_t value) override {
    ck_epoch_record_t* record = Record();
    Entry* entry = new Entry{{}, key, value};
    void* previous = nullptr;
    defer_record = record;
    bool ok = ck_hs_set(&hs_, CK_HS_HASH(&hs_, HashEntry, entry), entry, &previous);
    defer_record = nullptr;
    if (!ok) {
      delete entry;
      throw std::bad_alloc();
    }
    if (previous != nullptr) Retire(record, static_cast<Entry*>(previous));
  }

  bool Erase(uint64_t key) override {
    ck_epoch_record_t* record = Record();
    Entry probe{{}, key, 0};
    defer_record = record;
    void* removed = ck_hs_remove(&hs_, CK_HS_HASH(&hs_, HashEntry, &probe), &probe);
    defer_record = nullptr;
    if (removed == nullptr) return false;
    Retire(record, static_cast<Entry*>(removed));
    return true;
  }

  bool Load(uint64_t key, uint64_t* value) override {
    ck_epoch_record_t* record = Record();
    Entry probe{{}, key, 0};
    ck_epoch_begin(record, nullptr);
    const Entry* found = static_cast<const Entry*>(ck_hs_get(&hs_, CK_HS_HASH(&hs_, HashEntry, &probe), &probe));
    if (found != nullptr) *value = found->value;
    ck_epoch_end(record, nullptr);
    return found != nullptr;
  }

  void Iterate(const Visitor& visit) override {
    ck_epoch_record_t* record = Record();
    ck_epoch_begin(record, nullptr);  // pins the bucket array the iterator scans
    ck_hs_iterator_t it = CK_HS_ITERATOR_INITIALIZER;
    void* object;
    while (ck_hs_next_spmc(&hs_, &it, &object)) {
      const Entry* e = static_cast<const Entry*>(object);
      if (visit(e->key, e->value)) break;
    }
    ck_epoch_end(record, nullptr);
  }

  void AttachThread() override { Record(); }

  void DetachThread() override {
    if (slot.map_id != id_) return;
    // The writer waits out the readers, then runs its deferred frees.
    if (slot.record->n_pending > 0) ck_epoch_barrier(slot.record);
    ck_epoch_unregister(slot.record);
    slot = ThreadSlot{};
  }

 private:
  ck_epoch_record_t* Record() {
    if (slot.map_id == id_) return slot.record;
    ck_epoch_record_t* record = ck_epoch_recycle(&epoch_, nullptr);
    if (record == nullptr) {
      record = new ck_epoch_record_t;
      ck_epoch_register(&epoch_, record, nullptr);
      std::lock_guard lock(records_mu_);
      records_.push_back(record);
    }
    slot = ThreadSlot{id_, record};
    return record;
  }

  // Frees `e` once no reader can still hold it; polls now and then so memory stays bounded.
  void Retire(ck_epoch_record_t* record, Entry* e) {
    ck_epoch_call(record, &e->epoch_entry, FreeEntry);
    if (++retired_ % 256 == 0) ck_epoch_poll(record);
  }

  const uint64_t id_ = next_map_id.fetch_add(1);
  ck_epoch_t epoch_;
  ck_hs_t hs_;
  std::mutex records_mu_;
  std::vector<ck_epoch_record_t*> records_;  // owned; ck_epoch never lets go of a record
  uint64_t retired_ = 0;                     // writer only
};

}  // namespace

BackendInfo CkHsBackend() {
  BackendInfo info;
  info.name = "ck-hs";
  info.description = "Concurrency Kit ck_hs, SPMC mode (single writer), ck_hs_next_spmc; ck_epoch reclamation";
  info.guarantee = Guarantee::kNone;
  info.promise =
      "ck 0.7.1 ck_hs_init(3): CK_HS_MODE_SPMC \"should allow for concurrent readers in the presence of a "
      "single writer\" and CK_HS_MODE_MPMC \"is currently unsupported\"; ck_hs_next(3) says nothing about "
      "concurrency and ck_hs_next_spmc (declared in ck_hs.h) has no documentation: no documented iteration "
      "guarantee (none). Freed entries and old bucket arrays wait for an epoch (ck_epoch) readers have left";
  info.concurrency =
      "one writing thread (store or erase) at a time; loads and iterations may overlap it; two writers are "
      "undefined behaviour";
  info.create = [](const BackendOptions& o) { return std::make_unique<CkHsMap>(o); };
  info.unsupported_reason = [](const WorkloadTraits& t) -> std::string {
    uint32_t writers = t.writing_threads;
    if (writers <= 1) return "";
    return "ck_hs is single-producer (SPMC): ck_hs_init(3) allows concurrent readers with one writer, "
           "this scenario has " +
           std::to_string(writers) + " writers";
  };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_CK
