// `faulty-skip-on-resize` (testing only): a bucketed hash table whose iteration forgets that
// the table may have been resized between two buckets.
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "backend/builtin_backends.h"
#include "core/mix_hash.h"

namespace mapstress {
namespace {

class SkipOnResizeMap final : public Map {
 public:
  // capacity_hint is ignored on purpose: the table must start small and resize often.
  SkipOnResizeMap() : buckets_(kInitialBuckets) {}

  void Store(uint64_t key, uint64_t value) override {
    std::lock_guard lock(mu_);
    Bucket& b = BucketOf(key);
    for (Slot& s : b) {
      if (s.key == key) {
        s.value = value;
        return;
      }
    }
    b.push_back({key, value});
    if (++size_ > buckets_.size()) GrowLocked();
  }
  bool Erase(uint64_t key) override {
    std::lock_guard lock(mu_);
    Bucket& b = BucketOf(key);
    for (Slot& s : b) {
      if (s.key == key) {
        s = b.back();
        b.pop_back();
        --size_;
        return true;
      }
    }
    return false;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    std::lock_guard lock(mu_);
    for (const Slot& s : BucketOf(key)) {
      if (s.key == key) {
        *value = s.value;
        return true;
      }
    }
    return false;
  }
  // Bucket by bucket, copying each under the lock and visiting it without the lock. Keys
  // already yielded are remembered so a rehash never makes one appear twice.
  // THE BUG: after a resize the cursor stays at the same index of the new, larger table, so
  // not-yet-visited keys that the rehash moved below the cursor are never visited.
  void Iterate(const Visitor& visit) override {
    std::unordered_set<uint64_t> yielded;
    Bucket batch;
    for (size_t index = 0;; ++index) {
      {
        std::lock_guard lock(mu_);
        if (index >= buckets_.size()) return;
        batch = buckets_[index];
      }
      for (const Slot& s : batch) {
        if (yielded.insert(s.key).second && visit(s.key, s.value)) return;
      }
    }
  }

 private:
  struct Slot {
    uint64_t key;
    uint64_t value;
  };
  using Bucket = std::vector<Slot>;
  static constexpr size_t kInitialBuckets = 7;

  // Modulo a non-power-of-two count, so a rehash scatters keys across the whole new table.
  Bucket& BucketOf(uint64_t key) { return buckets_[MixHash(key) % buckets_.size()]; }

  // Grows by a quarter whenever the load factor passes 1, so a growing map resizes often.
  void GrowLocked() {
    std::vector<Bucket> old = std::move(buckets_);
    buckets_ = std::vector<Bucket>(old.size() + old.size() / 4 + 1);
    for (const Bucket& b : old) {
      for (const Slot& s : b) BucketOf(s.key).push_back(s);
    }
  }

  std::mutex mu_;
  std::vector<Bucket> buckets_;
  size_t size_ = 0;
};

}  // namespace

BackendInfo FaultySkipOnResizeBackend() {
  BackendInfo info;
  info.name = "faulty-skip-on-resize";
  info.description = "testing only: iteration resumes at the same bucket index after a resize";
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "weak (claimed): iteration copies one bucket at a time under the lock; every key present "
      "throughout should be seen exactly once. Deliberately broken: keys rehashed below the "
      "cursor during an iteration are skipped (missing)";
  info.concurrency = "all operations may overlap iteration, including from inside the visitor";
  info.testing_only = true;
  info.create = [](const BackendOptions&) { return std::make_unique<SkipOnResizeMap>(); };
  return info;
}

}  // namespace mapstress
