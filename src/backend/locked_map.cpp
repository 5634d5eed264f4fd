// `locked`: std::unordered_map behind one std::mutex; iteration holds the lock throughout.
#include <mutex>
#include <unordered_map>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

class LockedMap final : public Map {
 public:
  explicit LockedMap(const BackendOptions& options) { map_.reserve(options.capacity_hint); }
  void Store(uint64_t key, uint64_t value) override {
    std::lock_guard lock(mu_);
    map_[key] = value;
  }
  bool Erase(uint64_t key) override {
    std::lock_guard lock(mu_);
    return map_.erase(key) > 0;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    std::lock_guard lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *value = it->second;
    return true;
  }
  void Iterate(const Visitor& visit) override {
    std::lock_guard lock(mu_);
    for (const auto& [k, v] : map_) {
      if (visit(k, v)) return;
    }
  }

 private:
  std::mutex mu_;
  std::unordered_map<uint64_t, uint64_t> map_;
};

}  // namespace

BackendInfo LockedBackend() {
  BackendInfo info;
  info.name = "locked";
  info.description = "std::unordered_map + std::mutex; iteration holds the lock";
  info.guarantee = Guarantee::kSnapshot;
  info.promise =
      "snapshot: every operation, iteration included, runs under one mutex, so an iteration "
      "sees the map at the instant it took the lock (by construction; see locked_map.cpp)";
  info.concurrency = "all operations may overlap iteration (they wait for the lock)";
  info.in_default_set = true;
  info.create = [](const BackendOptions& o) { return std::make_unique<LockedMap>(o); };
  return info;
}

}  // namespace mapstress
