#include "backend/backend_registry.h"

#include <fnmatch.h>

#include <regex>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

// The table: one line per built-in backend. Optional library backends are compiled in
// only when CMake found the library (see src/backend/optional_backends.cmake).
using Factory = BackendInfo (*)();
const Factory kBuiltIns[] = {
    LockedBackend,
    RwLockedBackend,
    ShardedBackend,
    CowBackend,
    SyncMapBackend,
    UnsafeBackend,
#ifdef MAPSTRESS_HAVE_TBB
    TbbHashBackend,
    TbbHashRawBackend,
    TbbUnorderedBackend,
#endif
#ifdef MAPSTRESS_HAVE_LIBCUCKOO
    CuckooBackend,
#endif
#ifdef MAPSTRESS_HAVE_URCU
    UrcuLfhtBackend,
#endif
#ifdef MAPSTRESS_HAVE_LIBCDS
    CdsFeldmanBackend,
    CdsSplitListBackend,
#endif
#ifdef MAPSTRESS_HAVE_CK
    CkHsBackend,
#endif
#ifdef MAPSTRESS_HAVE_BOOST_CFM
    BoostCfmBackend,
#endif
#ifdef MAPSTRESS_HAVE_HIREDIS
    RedisHscanBackend,
    RedisHgetallBackend,
#endif
    // Deliberately faulty backends (testing_only): each has exactly one known bug.
    FaultySkipOnResizeBackend,
    FaultyLingeringEraseBackend,
    FaultyOldVersionBackend,
    FaultyDoubleVisitBackend,
    FaultyTornValueBackend,
    FaultyEraseResultBackend,
    FaultyDoubleRemoveBackend,
    FaultyLaggingReplicaBackend,
    FaultyCrashBackend,
    FaultyHangBackend,
    FaultyTornStoreBackend,
    FaultyTornStoreWideBackend,
    FaultyEarlyPresentBackend,
    FaultyEarlyPresentWideBackend,
    SlotsBackend,
};

}  // namespace

BackendRegistry BackendRegistry::BuiltIn() {
  BackendRegistry registry;
  for (Factory factory : kBuiltIns) registry.Add(factory());
  return registry;
}

std::string BackendRegistry::Add(BackendInfo info) {
  static const std::regex kName("[a-z0-9][a-z0-9._-]*");
  if (!std::regex_match(info.name, kName)) {
    return "backend name '" + info.name + "' must match [a-z0-9][a-z0-9._-]*";
  }
  if (Find(info.name) != nullptr) {
    return "backend name '" + info.name + "' is already taken by another backend";
  }
  backends_.push_back(std::move(info));
  return "";
}

const BackendInfo* BackendRegistry::Find(const std::string& name) const {
  for (const auto& b : backends_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> BackendRegistry::Names(bool include_testing) const {
  std::vector<std::string> names;
  for (const auto& b : backends_) {
    if (include_testing || !b.testing_only) names.push_back(b.name);
  }
  return names;
}

std::vector<std::string> BackendRegistry::DefaultSet() const {
  std::vector<std::string> names;
  for (const auto& b : backends_) {
    if (b.in_default_set) names.push_back(b.name);
  }
  return names;
}

std::vector<std::string> BackendRegistry::Expand(const std::string& name_or_all) const {
  if (name_or_all == "all") return Names(false);
  if (!IsPattern(name_or_all)) return {name_or_all};
  std::vector<std::string> matches;
  for (const auto& name : Names(false)) {
    if (fnmatch(name_or_all.c_str(), name.c_str(), 0) == 0) matches.push_back(name);
  }
  return matches;
}

bool BackendRegistry::IsPattern(const std::string& name) { return name.find_first_of("*?[") != std::string::npos; }

}  // namespace mapstress
