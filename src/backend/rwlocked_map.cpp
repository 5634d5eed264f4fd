// `rwlocked`: std::unordered_map behind one std::shared_mutex; loads and iteration share it.
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

class RwLockedMap final : public Map {
 public:
  explicit RwLockedMap(const BackendOptions& options) { map_.reserve(options.capacity_hint); }
  void Store(uint64_t key, uint64_t value) override {
    std::unique_lock lock(mu_);
    map_[key] = value;
  }
  bool Erase(uint64_t key) override {
    std::unique_lock lock(mu_);
    return map_.erase(key) > 0;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *value = it->second;
    return true;
  }
  void Iterate(const Visitor& visit) override {
    std::shared_lock lock(mu_);
    for (const auto& [k, v] : map_) {
      if (visit(k, v)) return;
    }
  }

 private:
  std::shared_mutex mu_;
  std::unordered_map<uint64_t, uint64_t> map_;
};

}  // namespace

BackendInfo RwLockedBackend() {
  BackendInfo info;
  info.name = "rwlocked";
  info.description = "std::unordered_map + std::shared_mutex; loads and iteration share the lock";
  info.guarantee = Guarantee::kSnapshot;
  info.promise =
      "snapshot: iteration holds the shared lock throughout, which excludes every writer, so it "
      "sees the map at the instant it took the lock (by construction; see rwlocked_map.cpp)";
  info.concurrency =
      "all operations may overlap iteration (writers wait for it; loads and other iterations run "
      "alongside)";
  info.in_default_set = true;
  info.create = [](const BackendOptions& o) { return std::make_unique<RwLockedMap>(o); };
  return info;
}

}  // namespace mapstress
