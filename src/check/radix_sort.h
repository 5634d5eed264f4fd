// A stable LSD radix sort by an unsigned 64-bit key, for the checker's big time-ordered arrays.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace mapstress {

// Sorts `items` stably by key(item) (uint64). Only digits in which the keys differ are
// sorted, so keys that span a small range (times relative to the history's start) take
// two or three passes. Needs a buffer as large as `items`; falls back to std::stable_sort
// for small inputs.
template <class Vec, class KeyFn>
void RadixSortBy(Vec& items, KeyFn key) {
  using T = typename Vec::value_type;
  const size_t n = items.size();
  if (n < 4096) {
    std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return;
  }
  uint64_t lo = ~uint64_t{0}, hi = 0;
  for (const T& item : items) {
    uint64_t k = key(item);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  uint64_t range = hi - lo;
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  Vec buffer(n);
  Vec* from = &items;
  Vec* to = &buffer;
  std::array<size_t, kBuckets> count;
  for (int shift = 0; shift < 64 && (range >> shift) != 0; shift += kBits) {
    count.fill(0);
    for (const T& item : *from) ++count[((key(item) - lo) >> shift) & (kBuckets - 1)];
    size_t sum = 0;
    for (size_t& c : count) {
      size_t here = c;
      c = sum;
      sum += here;
    }
    for (const T& item : *from) (*to)[count[((key(item) - lo) >> shift) & (kBuckets - 1)]++] = item;
    std::swap(from, to);
  }
  if (from != &items) items.swap(buffer);
}

}  // namespace mapstress
