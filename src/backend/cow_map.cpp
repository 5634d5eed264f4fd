// `cow`: copy-on-write. Writers copy the current immutable table, change the copy and publish
// it; loads and iteration read one published table without taking the writers' lock.
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "backend/builtin_backends.h"
#include "backend/shared_slot.h"

namespace mapstress {
namespace {

class CowMap final : public Map {
 public:
  explicit CowMap(const BackendOptions& options) {
    auto empty = std::make_shared<Table>();
    empty->reserve(options.capacity_hint);  // copies keep the bucket count
    table_.store(std::move(empty));
  }
  void Store(uint64_t key, uint64_t value) override {
    std::lock_guard lock(write_mu_);
    auto next = Copy();
    (*next)[key] = value;
    table_.store(std::move(next));
  }
  bool Erase(uint64_t key) override {
    std::lock_guard lock(write_mu_);
    std::shared_ptr<const Table> current = table_.load();
    if (current->find(key) == current->end()) return false;  // nothing to publish
    auto next = Copy();
    next->erase(key);
    table_.store(std::move(next));
    return true;
  }
  bool Load(uint64_t key, uint64_t* value) override {
    std::shared_ptr<const Table> current = table_.load();
    auto it = current->find(key);
    if (it == current->end()) return false;
    *value = it->second;
    return true;
  }
  // The shared_ptr keeps this version alive however many writes are published meanwhile.
  void Iterate(const Visitor& visit) override {
    std::shared_ptr<const Table> current = table_.load();
    for (const auto& [k, v] : *current) {
      if (visit(k, v)) return;
    }
  }

 private:
  using Table = std::unordered_map<uint64_t, uint64_t>;

  // A private, mutable copy of the published table (caller holds write_mu_).
  std::shared_ptr<Table> Copy() { return std::make_shared<Table>(*table_.load()); }

  std::mutex write_mu_;  // serialises writers
  // Readers copy the pointer under a tiny spin lock (SharedSlot): short, but not lock-free.
  SharedSlot<Table> table_;
};

}  // namespace

BackendInfo CowBackend() {
  BackendInfo info;
  info.name = "cow";
  info.description = "copy-on-write: writers publish a new immutable table (O(n) per write)";
  info.guarantee = Guarantee::kSnapshot;
  info.promise =
      "snapshot: an iteration reads one published table, which is never changed after it was "
      "published, so it sees the map as of the instant it loaded that table (by construction; "
      "see cow_map.cpp)";
  info.concurrency =
      "all operations may overlap iteration; readers never wait for writers (writers wait for "
      "each other)";
  info.in_default_set = true;
  info.create = [](const BackendOptions& o) { return std::make_unique<CowMap>(o); };
  return info;
}

}  // namespace mapstress
