// libcds backends with hazard-pointer GC (cds::gc::HP): `cds-feldman` (FeldmanHashMap) and
// `cds-splitlist` (SplitListMap over IterableList). Both have documented thread-safe iterators.
// Compiled only when CMake found libcds.
#ifdef MAPSTRESS_HAVE_LIBCDS

#include <cds/container/feldman_hashmap_hp.h>
#include <cds/container/iterable_kvlist_hp.h>
#include <cds/container/split_list_map.h>
#include <cds/gc/hp.h>
#include <cds/init.h>

#include <functional>
#include <memory>

#include "backend/builtin_backends.h"
#include "core/limits.h"

namespace mapstress {
namespace {

namespace cc = cds::container;

// libcds needs cds::Initialize() once per process and one HP GC object that outlives every
// container. Both are made on first use and torn down at exit, after the last map is gone.
class CdsRuntime {
 public:
  static void EnsureStarted() { static CdsRuntime runtime; }

 private:
  CdsRuntime() {
    cds::Initialize();
    // Per-thread HP records; sized for the most worker threads a scenario may have.
    hp_ = std::make_unique<cds::gc::HP>(0, kMaxThreads + 16);
  }
  ~CdsRuntime() {
    hp_.reset();
    cds::Terminate();
  }
  std::unique_ptr<cds::gc::HP> hp_;
};

// Attaching nests (libcds counts attaches per thread), so create/destroy may attach the
// calling thread even when the engine attached it already.
class ScopedAttach {
 public:
  ScopedAttach() { cds::threading::Manager::attachThread(); }
  ~ScopedAttach() { cds::threading::Manager::detachThread(); }
  ScopedAttach(const ScopedAttach&) = delete;
  ScopedAttach& operator=(const ScopedAttach&) = delete;
};

// Keys are 64-bit, so FeldmanHashMap uses them directly as the fixed-size "hash" (perfect hashing).
using FeldmanBase = cc::FeldmanHashMap<cds::gc::HP, uint64_t, uint64_t>;

// FeldmanHashMap::update() publishes a node built from the key alone and only then calls the
// functor that would set the value, so a concurrent reader could see the default value. This
// subclass publishes a node that already holds its value, via the intrusive base's update().
class FeldmanMap : public FeldmanBase {
 public:
  using FeldmanBase::FeldmanBase;
  void Upsert(uint64_t key, uint64_t value) {
    using Intrusive =
        typename cc::details::make_feldman_hashmap<cds::gc::HP, uint64_t, uint64_t, cc::feldman_hashmap::traits>::type;
    scoped_node_ptr node(cxx_node_allocator().MoveNew(m_Hasher, key, value));
    if (Intrusive::update(*node, true).first) node.release();
  }
};

using SplitListTraits = cc::split_list::make_traits<
    cc::split_list::ordered_list<cc::iterable_list_tag>, cds::opt::hash<std::hash<uint64_t>>,
    cc::split_list::ordered_list_traits<cc::iterable_list::make_traits<cds::opt::less<std::less<uint64_t>>>::type>>::
    type;
using SplitList = cc::SplitListMap<cds::gc::HP, uint64_t, uint64_t, SplitListTraits>;

// What both libcds maps share: guarded get, thread-safe iterators, HP-attached lifetime.
template <typename LibMap>
class CdsMap : public Map {
 public:
  ~CdsMap() override {
    ScopedAttach attach;  // the map's destructor retires nodes through the HP GC
    map_.reset();
  }
  bool Erase(uint64_t key) override { return map_->erase(key); }
  bool Load(uint64_t key, uint64_t* value) override {
    auto guarded = map_->get(key);
    if (!guarded) return false;
    *value = guarded->second;
    return true;
  }
  void Iterate(const Visitor& visit) override {
    for (auto it = map_->begin(), end = map_->end(); it != end; ++it) {
      if (visit(it->first, it->second)) return;
    }
  }
  void AttachThread() override { cds::threading::Manager::attachThread(); }
  void DetachThread() override { cds::threading::Manager::detachThread(); }

 protected:
  template <typename... Args>
  explicit CdsMap(Args&&... args) {
    CdsRuntime::EnsureStarted();
    ScopedAttach attach;
    map_ = std::make_unique<LibMap>(std::forward<Args>(args)...);
  }
  std::unique_ptr<LibMap> map_;
};

class CdsFeldmanMap final : public CdsMap<FeldmanMap> {
 public:
  void Store(uint64_t key, uint64_t value) override { map_->Upsert(key, value); }
};

class CdsSplitListMap final : public CdsMap<SplitList> {
 public:
  explicit CdsSplitListMap(const BackendOptions& options)
      : CdsMap(options.capacity_hint > 0 ? options.capacity_hint : 1024, 1) {}
  void Store(uint64_t key, uint64_t value) override { map_->upsert(key, value, true); }
};

}  // namespace

BackendInfo CdsFeldmanBackend() {
  BackendInfo info;
  info.name = "cds-feldman";
  info.description = "libcds FeldmanHashMap (hazard pointers); thread-safe iterators, duplicates documented";
  info.guarantee = Guarantee::kWeak;
  ContractProfile profile = ProfileFor(Guarantee::kWeak);
  profile.Set(Anomaly::kDuplicate, Grade::kAcceptable);  // documented, see the promise
  // The docs promise valid iterators and allow repeats, but never that an iteration visits
  // every item present throughout; mapstress observed such misses (iterator_base::forward()
  // skips a slot that changed under it), so they are reported, not failed.
  profile.Set(Anomaly::kMissing, Grade::kInteresting);
  info.profile = profile;
  info.promise =
      "libcds 2.3.3 cds/container/impl/feldman_hashmap.h, \"Thread-safe iterators\": \"The map supports "
      "thread-safe iterators: you may iterate over the map in multi-threaded environment. It is guaranteed "
      "that the iterators will remain valid even if another thread deletes the node the iterator points "
      "to\"; \"During iteration you may safely erase any item\"; \"It is possible the item can be iterated "
      "more that once, for example, if an iterator points to the item in array node that is being "
      "splitted.\": weak, with duplicate visits ACCEPTABLE; nothing promises that every item present "
      "throughout is visited, so missing is INTERESTING (mapstress observes such misses)";
  info.concurrency =
      "all operations may overlap iteration; every thread must be attached to libcds "
      "(cds::threading::Manager::attachThread) and iterators stay on their thread";
  info.create = [](const BackendOptions&) { return std::make_unique<CdsFeldmanMap>(); };
  return info;
}

BackendInfo CdsSplitListBackend() {
  BackendInfo info;
  info.name = "cds-splitlist";
  info.description = "libcds SplitListMap over IterableList (hazard pointers); thread-safe iterator";
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "libcds 2.3.3 cds/intrusive/split_list.h, iterator: \"for IterableList: iterator is thread-safe. You may "
      "use it freely in concurrent environment.\"; cds/intrusive/impl/iterable_list.h: \"Iterator is "
      "thread-safe: even if the element the iterator points to is removed, the iterator stays valid\": weak. "
      "That is a promise of safety, not of a complete or duplicate-free walk, so missing and duplicate are "
      "INTERESTING (mapstress observes duplicates under concurrent insert and erase)";
  // Graded by what the docs promise: a valid iterator. Completeness and uniqueness are not
  // promised, and duplicates were observed (scenarios 08/09), so they are reported, not failed.
  ContractProfile profile = ProfileFor(Guarantee::kWeak);
  profile.Set(Anomaly::kMissing, Grade::kInteresting);
  profile.Set(Anomaly::kDuplicate, Grade::kInteresting);
  info.profile = profile;
  info.concurrency =
      "all operations may overlap iteration; every thread must be attached to libcds "
      "(cds::threading::Manager::attachThread) and iterators stay on their thread";
  info.create = [](const BackendOptions& o) { return std::make_unique<CdsSplitListMap>(o); };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_LIBCDS
