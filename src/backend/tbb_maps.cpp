// oneTBB backends: `tbb-hash` (concurrent_hash_map, iteration under an external lock),
// `tbb-hash-raw` (the same map iterated with no lock: misuse on purpose) and `tbb-unordered`
// (concurrent_unordered_map, insert-only use). Compiled only when CMake found oneTBB.
#ifdef MAPSTRESS_HAVE_TBB

#include <oneapi/tbb/concurrent_hash_map.h>
#include <oneapi/tbb/concurrent_unordered_map.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "backend/builtin_backends.h"
#include "core/limits.h"

namespace mapstress {
namespace {

// tbb_allocator (tbbmalloc) recycles memory itself, which hides use-after-free from ASan,
// so sanitizer builds use std::allocator.
#ifdef MAPSTRESS_SANITIZED
template <typename T>
using TbbAllocator = std::allocator<T>;
#else
template <typename T>
using TbbAllocator = tbb::tbb_allocator<T>;
#endif

using HashMap = tbb::concurrent_hash_map<uint64_t, uint64_t, tbb::tbb_hash_compare<uint64_t>,
                                         TbbAllocator<std::pair<const uint64_t, uint64_t>>>;

// Doc quote shared by both concurrent_hash_map backends.
constexpr const char kHashMapDoc[] =
    "oneTBB concurrent_hash_map supports \"concurrent insertion, lookup, and erasure\"; its "
    "iterators (begin/end/equal_range): \"All member functions in this section can only be "
    "performed serially. The behavior is undefined in case of concurrent execution of these "
    "member functions with other (either concurrently safe) methods.\" (oneTBB Developer Guide "
    "and API Reference 2023-2, concurrent_hash_map \"Iterators\", "
    "https://www.intel.com/content/www/us/en/docs/onetbb/developer-guide-api-reference/2023-2/"
    "iterators-009.html)";

// concurrent_hash_map; when `lock_iteration`, an external shared_mutex makes iteration serial:
// store/erase/load take it shared (they stay concurrent among themselves), iteration exclusive.
class TbbHashMap final : public Map {
 public:
  TbbHashMap(const BackendOptions& options, bool lock_iteration)
      : map_(options.capacity_hint), lock_iteration_(lock_iteration) {}

  void Store(uint64_t key, uint64_t value) override {
    MaybeSharedLock lock(this);
    HashMap::accessor a;  // write-locks the element while `a` lives
    map_.insert(a, key);
    a->second = value;
  }
  bool Erase(uint64_t key) override {
    MaybeSharedLock lock(this);
    return map_.erase(key);
  }
  bool Load(uint64_t key, uint64_t* value) override {
    MaybeSharedLock lock(this);
    HashMap::const_accessor a;
    if (!map_.find(a, key)) return false;
    *value = a->second;
    return true;
  }
  void Iterate(const Visitor& visit) override {
    std::unique_lock<std::shared_mutex> lock(mu_, std::defer_lock);
    if (lock_iteration_) lock.lock();
    for (const auto& [k, v] : map_) {
      if (visit(k, v)) return;
    }
  }

 private:
  class MaybeSharedLock {
   public:
    explicit MaybeSharedLock(TbbHashMap* m) : mu_(m->lock_iteration_ ? &m->mu_ : nullptr) {
      if (mu_) mu_->lock_shared();
    }
    ~MaybeSharedLock() {
      if (mu_) mu_->unlock_shared();
    }
    MaybeSharedLock(const MaybeSharedLock&) = delete;
    MaybeSharedLock& operator=(const MaybeSharedLock&) = delete;

   private:
    std::shared_mutex* mu_;
  };

  HashMap map_;
  std::shared_mutex mu_;
  const bool lock_iteration_;
};

// concurrent_unordered_map with an atomic mapped value, so an overwrite of an existing key
// (emplace fails, then store into the value) is race-free against readers and traversals.
class TbbUnorderedMap final : public Map {
 public:
  explicit TbbUnorderedMap(const BackendOptions& options) : map_(options.capacity_hint) {}

  void Store(uint64_t key, uint64_t value) override {
    auto [it, inserted] = map_.emplace(key, value);
    if (!inserted) it->second.store(value, std::memory_order_release);
  }
  // unsafe_erase: serial only (see unsupported_reason); runs only with --allow-unsafe.
  bool Erase(uint64_t key) override { return map_.unsafe_erase(key) > 0; }
  bool Load(uint64_t key, uint64_t* value) override {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *value = it->second.load(std::memory_order_acquire);
    return true;
  }
  void Iterate(const Visitor& visit) override {
    for (const auto& [k, v] : map_) {
      if (visit(k, v.load(std::memory_order_acquire))) return;
    }
  }

 private:
  tbb::concurrent_unordered_map<uint64_t, std::atomic<uint64_t>, std::hash<uint64_t>, std::equal_to<uint64_t>,
                                TbbAllocator<std::pair<const uint64_t, std::atomic<uint64_t>>>>
      map_;
};

}  // namespace

BackendInfo TbbHashBackend() {
  BackendInfo info;
  info.name = "tbb-hash";
  info.description = "oneTBB concurrent_hash_map; iteration under an external rwlock that excludes writers";
  info.guarantee = Guarantee::kSnapshot;
  info.promise = std::string(kHashMapDoc) +
                 ". Iteration is therefore made serial: it holds a std::shared_mutex exclusively while "
                 "store/erase/load hold it shared, so an iteration sees the map at one instant (snapshot)";
  info.concurrency =
      "store/erase/load run concurrently with each other; iteration waits for them and blocks them "
      "(an iterator may wait long under heavy write load)";
  info.create = [](const BackendOptions& o) { return std::make_unique<TbbHashMap>(o, true); };
  return info;
}

BackendInfo TbbHashRawBackend() {
  BackendInfo info;
  info.name = "tbb-hash-raw";
  info.description =
      "MISUSE ON PURPOSE: oneTBB concurrent_hash_map iterated with no lock while others write (UB per its docs)";
  info.guarantee = Guarantee::kNone;
  info.profile = ProfileFor(Guarantee::kNone);
  info.promise = std::string(kHashMapDoc) + ". This backend iterates without any lock: no promise at all";
  info.concurrency =
      "iteration concurrent with any other op (store, erase, load, iteration) is undefined behaviour; "
      "always run isolated in a child process";
  info.always_isolate = true;
  info.create = [](const BackendOptions& o) { return std::make_unique<TbbHashMap>(o, false); };
  return info;
}

BackendInfo TbbUnorderedBackend() {
  BackendInfo info;
  info.name = "tbb-unordered";
  info.description = "oneTBB concurrent_unordered_map (insert-only: erase is unsafe_erase); atomic mapped values";
  // Weak: traversal is a documented concurrent operation next to insertion, insertion neither
  // invalidates iterators nor reorders items, and nothing promises a snapshot.
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "oneTBB concurrent_unordered_map: \"It supports concurrent insertion, lookup, and traversal, but does "
      "not support concurrent erasure.\" (oneAPI spec, containers/concurrent_unordered_*; same wording on "
      "https://www.intel.com/content/www/us/en/docs/onetbb/developer-guide-api-reference/2023-2/"
      "concurrent-unordered-multiset.html) and the TBB reference for concurrent_unordered_map: \"Like "
      "std::list, insertion of new items does not invalidate any iterators, nor change the order of items "
      "already in the map. Insertion and traversal may be concurrent.\" (Intel TBB Reference, "
      "https://software.intel.com/en-us/node/506171). No snapshot is promised: weak, for insert-only use";
  info.concurrency =
      "store, load and iteration may overlap; erase is unsafe_erase, which \"can only be performed serially\" "
      "(Concurrently unsafe modifiers): erase concurrent with anything is undefined behaviour";
  info.create = [](const BackendOptions& o) { return std::make_unique<TbbUnorderedMap>(o); };
  info.unsupported_reason = [](const WorkloadTraits& t) -> std::string {
    if (!t.erases) return "";
    return "tbb::concurrent_unordered_map::unsafe_erase is not safe to call concurrently (TBB docs: "
           "\"can only be performed serially. The behavior is undefined in case of concurrent execution of "
           "these member functions with other (either concurrently safe) methods.\")";
  };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_TBB
