// `sharded`: N stripes, each a std::unordered_map behind its own std::shared_mutex.
#include <algorithm>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "backend/builtin_backends.h"
#include "core/mix_hash.h"

namespace mapstress {
namespace {

class ShardedMap final : public Map {
 public:
  explicit ShardedMap(const BackendOptions& options) : stripes_(std::max<uint32_t>(1, options.shards)) {
    for (auto& s : stripes_) s.map.reserve(options.capacity_hint / stripes_.size());
  }
  void Store(uint64_t key, uint64_t value) override {
    Stripe& s = StripeOf(key);
    std::unique_lock lock(s.mu);
    s.map[key] = value;
  }
  bool Erase(uint64_t key) override {
    Stripe& s = StripeOf(key);
    std::unique_lock lock(s.mu);
    return s.map.erase(key) > 0;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    Stripe& s = StripeOf(key);
    std::shared_lock lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    *value = it->second;
    return true;
  }
  // One stripe at a time under its shared lock: each stripe is a snapshot, the whole is not.
  void Iterate(const Visitor& visit) override {
    for (Stripe& s : stripes_) {
      std::shared_lock lock(s.mu);
      for (const auto& [k, v] : s.map) {
        if (visit(k, v)) return;
      }
    }
  }

 private:
  struct Stripe {
    std::shared_mutex mu;
    std::unordered_map<uint64_t, uint64_t> map;
  };
  Stripe& StripeOf(uint64_t key) { return stripes_[MixHash(key) % stripes_.size()]; }

  std::vector<Stripe> stripes_;
};

}  // namespace

BackendInfo ShardedBackend() {
  BackendInfo info;
  info.name = "sharded";
  info.description = "N stripes (--shards, default 16) of std::unordered_map + std::shared_mutex";
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "weak: iteration visits one stripe at a time under that stripe's shared lock, so every key "
      "present throughout is seen exactly once with a value it held during the iteration, but the "
      "stripes are read at different instants (by construction; see sharded_map.cpp)";
  info.concurrency = "all operations may overlap iteration (writers to the stripe being read wait for it)";
  info.in_default_set = true;
  info.create = [](const BackendOptions& o) { return std::make_unique<ShardedMap>(o); };
  return info;
}

}  // namespace mapstress
