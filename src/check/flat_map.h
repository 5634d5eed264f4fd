// An open-addressing hash map from uint64 to uint32 for the checker's hot lookups.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mapstress {

// Linear probing, power-of-two capacity, no erase. Any uint64 is a valid key; an
// empty slot is marked by the value kNone, which therefore cannot be stored. After the last
// Insert, Freeze() may switch lookups to an array indexed by key (small integer keys).
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

  // Returns the value of `key`, or kNone. Always inlined: the checker's hot loops call it, and
  // GCC stops inlining it into the larger ones.
  [[gnu::always_inline]] uint32_t Find(uint64_t key) const {
    if (direct_on_) return key < direct_.size() ? direct_[key] : kNone;
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return kNone;
      if (s.key == key) return s.value;
    }
  }

  // Inserts key -> value unless key is present; returns the value now stored for key.
  uint32_t Insert(uint64_t key, uint32_t value) {
    if (direct_on_) {
      std::vector<uint32_t>().swap(direct_);
      direct_on_ = false;
    }
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
  [[gnu::always_inline]] void Prefetch(uint64_t key) const {
    if (direct_on_) {
      if (key < direct_.size()) __builtin_prefetch(&direct_[key]);
    } else {
      __builtin_prefetch(&slots_[Hash(key) & mask_]);
    }
  }

  // When every key is below 8 × size() + 64 (the engine's keys are 0..count-1), later Finds
  // read a uint32 from an array indexed by key: 4 to 32 bytes per entry against the hash
  // table's 32 to 64 (16-byte slots, at most half full), so it stays in cache far longer. Same
  // answers; an Insert switches back.
  void Freeze() {
    uint64_t largest = 0;
    for (const Slot& s : slots_) {
      if (s.value != kNone) largest = std::max(largest, s.key);
    }
    if (size_ == 0 || largest >= 8 * static_cast<uint64_t>(size_) + 64) return;
    direct_.assign(largest + 1, kNone);
    for (const Slot& s : slots_) {
      if (s.value != kNone) direct_[s.key] = s.value;
    }
    direct_on_ = true;
  }

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
  std::vector<uint32_t> direct_;  // key -> value, when direct_on_
  bool direct_on_ = false;
};

}  // namespace mapstress
