// `unsafe`: a std::unordered_map with no synchronisation at all (what a plain Go map is).
#include <unordered_map>

#include "backend/builtin_backends.h"

namespace mapstress {
namespace {

// Data races are its point: concurrent use is undefined behaviour, which is what the engine
// runs it for (always in a forked child).
class UnsafeMap final : public Map {
 public:
  explicit UnsafeMap(const BackendOptions& options) { map_.reserve(options.capacity_hint); }
  void Store(uint64_t key, uint64_t value) override { map_[key] = value; }
  bool Erase(uint64_t key) override { return map_.erase(key) > 0; }
  bool Load(uint64_t key, uint64_t* value) override {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    *value = it->second;
    return true;
  }
  void Iterate(const Visitor& visit) override {
    for (const auto& [k, v] : map_) {
      if (visit(k, v)) return;
    }
  }

 private:
  std::unordered_map<uint64_t, uint64_t> map_;
};

}  // namespace

BackendInfo UnsafeBackend() {
  BackendInfo info;
  info.name = "unsafe";
  info.description = "std::unordered_map with no synchronisation (like a plain Go map)";
  info.guarantee = Guarantee::kNone;
  info.promise =
      "none: concurrent use of a std::unordered_map with a writer is a data race, i.e. undefined "
      "behaviour ([res.on.data.races] in the C++ standard); crashes, hangs and anomalies are all "
      "possible";
  info.concurrency = "no operation may overlap a write; iteration during any write is UB";
  info.always_isolate = true;
  info.in_default_set = true;
  info.create = [](const BackendOptions& o) { return std::make_unique<UnsafeMap>(o); };
  return info;
}

}  // namespace mapstress
