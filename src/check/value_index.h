// The checker's stored-value index: value -> the write that stored it, with the write's
// possible interval inline, so that judging an entry or a load costs one memory access.
#pragma once

#include <cstdint>
#include <vector>

#include "check/huge_page_allocator.h"

namespace mapstress {

// Open addressing with linear probing, power-of-two capacity at most 2/3 full, no erase.
// Any uint64 value can be a key; empty slots are marked by write == kNone.
class ValueIndex {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  struct Record {
    uint64_t value;
    int64_t call;    // the write's call
    int64_t until;   // S(w): the end of its possible interval
    uint32_t write;  // index of the write (kNone: empty slot)
    uint32_t key;    // dense key index
  };

  // Sizes the table for `expected` values; call once, before inserting.
  void Reserve(size_t expected) {
    size_t want = 16;
    while (want * 2 < expected * 3) want *= 2;
    slots_.assign(want, Record{0, 0, 0, kNone, 0});
    mask_ = want - 1;
  }

  // The record of `value`, or null.
  const Record* Find(uint64_t value) const {
    for (size_t i = Hash(value) & mask_;; i = (i + 1) & mask_) {
      const Record& r = slots_[i];
      if (r.write == kNone) return nullptr;
      if (r.value == value) return &r;
    }
  }

  // The record of `value`, inserted empty-but-claimed (write == kNone is the caller's to
  // fill) when absent; *inserted says which. Capacity must have been reserved.
  Record* FindOrInsert(uint64_t value, bool* inserted) {
    for (size_t i = Hash(value) & mask_;; i = (i + 1) & mask_) {
      Record& r = slots_[i];
      if (r.write == kNone) {
        r.value = value;
        *inserted = true;
        return &r;
      }
      if (r.value == value) {
        *inserted = false;
        return &r;
      }
    }
  }

  // Slot positions, for filling a record in later without a second lookup.
  uint32_t SlotOf(const Record* r) const { return static_cast<uint32_t>(r - slots_.data()); }
  Record& At(uint32_t slot) { return slots_[slot]; }
  void PrefetchSlot(uint32_t slot) const { __builtin_prefetch(&slots_[slot]); }

  // Hints the CPU to fetch the slot where a lookup of `value` starts.
  void Prefetch(uint64_t value) const { __builtin_prefetch(&slots_[Hash(value) & mask_]); }

 private:
  static size_t Hash(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }

  std::vector<Record, HugePageAllocator<Record>> slots_;
  size_t mask_ = 0;
};

}  // namespace mapstress
