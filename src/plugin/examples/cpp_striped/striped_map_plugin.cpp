// Example C++ plugin: a map of 16 mutex-guarded stripes, made a mapstress backend by the
// header-only adapter <mapstress/plugin.hpp>. for_each locks one stripe at a time, so an
// iteration is not a snapshot of the whole map: the backend declares "weak".
#include <array>
#include <mapstress/plugin.hpp>
#include <mutex>
#include <optional>
#include <unordered_map>

class StripedMap {
 public:
  void store(uint64_t key, uint64_t value) {
    Stripe& s = StripeOf(key);
    std::lock_guard lock(s.mu);
    s.map[key] = value;
  }
  bool erase(uint64_t key) {
    Stripe& s = StripeOf(key);
    std::lock_guard lock(s.mu);
    return s.map.erase(key) > 0;
  }
  std::optional<uint64_t> load(uint64_t key) {
    Stripe& s = StripeOf(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return std::nullopt;
    return it->second;
  }
  template <class F>
  void for_each(F&& visit) {
    for (Stripe& s : stripes_) {
      std::lock_guard lock(s.mu);
      for (const auto& [key, value] : s.map) {
        if (visit(key, value)) return;  // mapstress asked to stop
      }
    }
  }

 private:
  struct Stripe {
    std::mutex mu;
    std::unordered_map<uint64_t, uint64_t> map;
  };
  Stripe& StripeOf(uint64_t key) { return stripes_[(key * 0x9E3779B97F4A7C15ull) >> 60]; }
  std::array<Stripe, 16> stripes_;
};

MAPSTRESS_PLUGIN_BACKENDS(mapstress::plugin::Backend<StripedMap>("cpp-striped",
                                                                 "16 mutex-guarded stripes (C++ example)", "weak"))
