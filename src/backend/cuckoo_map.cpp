// `cuckoo`: libcuckoo cuckoohash_map; iteration through lock_table(), which takes every lock of
// the table (stop-the-world). Compiled only when CMake found libcuckoo.
#ifdef MAPSTRESS_HAVE_LIBCUCKOO

#include <libcuckoo/cuckoohash_map.hh>
#include <memory>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

class CuckooMap final : public Map {
 public:
  explicit CuckooMap(const BackendOptions& options)
      : map_(options.capacity_hint > 0 ? options.capacity_hint : libcuckoo::DEFAULT_SIZE) {}

  void Store(uint64_t key, uint64_t value) override { map_.insert_or_assign(key, value); }
  bool Erase(uint64_t key) override { return map_.erase(key); }
  bool Load(uint64_t key, uint64_t* value) override { return map_.find(key, *value); }
  void Iterate(const Visitor& visit) override {
    // While `table` lives this thread must not call map_ itself: the locks are not re-entrant.
    auto table = map_.lock_table();
    for (const auto& [k, v] : table) {
      if (visit(k, v)) return;
    }
  }

 private:
  libcuckoo::cuckoohash_map<uint64_t, uint64_t> map_;
};

}  // namespace

BackendInfo CuckooBackend() {
  BackendInfo info;
  info.name = "cuckoo";
  info.description = "libcuckoo cuckoohash_map; iteration through lock_table() (stop-the-world)";
  info.guarantee = Guarantee::kSnapshot;
  info.promise =
      "libcuckoo: the map has no iterators; locked_table \"takes all the locks on the table, blocking all "
      "outside operations on the table. Because the locked_table has unique ownership of the table, it can "
      "provide a set of operations on the table that aren't possible in a concurrent context.\" and "
      "lock_table(): \"Construct a locked_table object that owns all the locks in the table.\" "
      "(libcuckoo 0.3.1, /usr/include/libcuckoo/cuckoohash_map.hh, class locked_table / lock_table()): "
      "an iteration sees the map at one instant (snapshot)";
  info.concurrency =
      "all operations may overlap iteration (they wait while the table is locked); calling the map from the "
      "thread that holds lock_table() self-deadlocks, so Iterate never does";
  info.create = [](const BackendOptions& o) { return std::make_unique<CuckooMap>(o); };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_LIBCUCKOO
