// An open-addressing hash map from uint64 to uint32 for the checker's hot lookups.
#pragma once

#include <cstdint>
#include <vector>

namespace mapstress {

// Linear probing, power-of-two capacity, no erase. Any uint64 is a valid key; an
// empty slot is marked by the value kNone, which therefore cannot be stored.
class FlatMap {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  explicit FlatMap(size_t expected = 0) { Reserve(expected); }

  // Makes room for `expected` entries without rehashing.
  void Reserve(size_t expected) {
    size_t want = 16;
    while (want < expected * 2) want *= 2;
    if (want <= slots_.size()) return;
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(want, Slot{0, kNone});
    mask_ = want - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.value != kNone) Insert(s.key, s.value);
    }
  }

  // Returns the value of `key`, or kNone.
  uint32_t Find(uint64_t key) const {
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return kNone;
      if (s.key == key) return s.value;
    }
  }

  // Inserts key -> value unless key is present; returns the value now stored for key.
  uint32_t Insert(uint64_t key, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) Reserve(size_ + 1);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == kNone) {
        s = Slot{key, value};
        ++size_;
        return value;
      }
      if (s.key == key) return s.value;
    }
  }

  // Hints the CPU to fetch the slot where a lookup of `key` starts.
  [[gnu::always_inline]] void Prefetch(uint64_t key) const { __builtin_prefetch(&slots_[Hash(key) & mask_]); }

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key;
    uint32_t value;
  };

  static size_t Hash(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace mapstress
