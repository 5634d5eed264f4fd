// Boost.Unordered `boost::concurrent_flat_map` (Boost 1.83+): `boost-cfm`, iterated with
// visit_all. Compiled only when CMake found Boost >= 1.83 (src/backend/optional_backends.cmake).
#ifdef MAPSTRESS_HAVE_BOOST_CFM

#include <boost/unordered/concurrent_flat_map.hpp>
#include <boost/version.hpp>
#include <memory>
#include <string>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

// boost::hash<uint64_t> is the identity; the table post-mixes it (it is not avalanching).
using Cfm = boost::concurrent_flat_map<uint64_t, uint64_t>;

class BoostCfmMap final : public Map {
 public:
  explicit BoostCfmMap(const BackendOptions& options) : map_(options.capacity_hint) {}

  void Store(uint64_t key, uint64_t value) override { map_.insert_or_assign(key, value); }
  bool Erase(uint64_t key) override { return map_.erase(key) > 0; }
  bool Load(uint64_t key, uint64_t* value) override {
    return map_.cvisit(key, [value](const Cfm::value_type& x) { *value = x.second; }) > 0;
  }
  // visit_all cannot stop early before Boost 1.84 (visit_while), so after `visit` asks to
  // stop the remaining elements are passed over without calling it.
  void Iterate(const Visitor& visit) override {
    bool stopped = false;
    map_.cvisit_all([&](const Cfm::value_type& x) {
      if (!stopped) stopped = visit(x.first, x.second);
    });
  }

 private:
  Cfm map_;
};

}  // namespace

BackendInfo BoostCfmBackend() {
  BackendInfo info;
  info.name = "boost-cfm";
  info.description = "Boost.Unordered concurrent_flat_map (Boost " + std::to_string(BOOST_VERSION / 100000) + "." +
                     std::to_string(BOOST_VERSION / 100 % 1000) + "), iterated with cvisit_all";
  info.guarantee = Guarantee::kWeak;
  // How each sentence of the docs grades (src/backend/LIBRARIES.md, "boost-cfm"):
  //  - visit_all "Successively invokes f with references to each of the elements in the table":
  //    a key in the table for the whole call is visited (missing FORBIDDEN), nothing outside it
  //    is (phantom FORBIDDEN).
  //  - "Any ... operation that inserts or modifies an element e synchronizes with the internal
  //    invocation of a visitation function on e" and "do not introduce data races": no value
  //    superseded before the call, no torn value, no impossible point read (stale_value,
  //    unknown_value, stale_read FORBIDDEN).
  //  - "these operations do not block the table during execution: ... elements may be inserted,
  //    modified or erased by other threads during visitation": not a snapshot (ACCEPTABLE).
  //  - Nothing says an element is visited at most once while it is erased and re-inserted:
  //    duplicate is INTERESTING.
  ContractProfile profile = ProfileFor(Guarantee::kWeak);
  profile.Set(Anomaly::kDuplicate, Grade::kInteresting);
  info.profile = profile;
  info.promise =
      "Boost 1.83 Unordered, \"Concurrent Containers\" / \"Whole-table Visitation\": visit_all and erase_if "
      "\"do not block the table during execution: this implies that elements may be inserted, modified or "
      "erased by other threads during visitation. It is advisable not to assume too much about the exact "
      "global state of a boost::concurrent_flat_map at any point in your program.\"; reference, visit_all: "
      "\"Successively invokes f with references to each of the elements in the table.\"; \"Concurrency "
      "requirements and guarantees\": \"Any boost::concurrent_flat_map operation that inserts or modifies an "
      "element e synchronizes with the internal invocation of a visitation function on e.\" "
      "(https://www.boost.org/doc/libs/1_83_0/libs/unordered/doc/html/unordered.html#concurrent). Graded: "
      "weak (missing, phantom, stale_value, unknown_value, stale_read FORBIDDEN; not_snapshot ACCEPTABLE); "
      "the docs say nothing about visiting an element twice, so duplicate is INTERESTING";
  info.concurrency =
      "every operation may overlap visit_all, which locks one group of slots at a time (shared); "
      "rehashing (an insert that reaches max_load()) is \"blocking\": it waits for a running visit_all "
      "and stops all other operations meanwhile";
  info.create = [](const BackendOptions& o) { return std::make_unique<BoostCfmMap>(o); };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_BOOST_CFM
