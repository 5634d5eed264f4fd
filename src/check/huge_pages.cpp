#include "check/huge_pages.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace mapstress::huge_pages {
namespace {

struct Block {
  void* begin;
  size_t size;  // a multiple of kHuge
};

// Kept blocks, oldest first.
struct Kept {
  std::mutex mu;
  std::vector<Block> blocks;
  size_t bytes = 0;
  uint64_t reused = 0;
};

Kept& TheKept() {
  static Kept* kept = new Kept;  // never destroyed: blocks may be given back during exit
  return *kept;
}

void* MapFresh(size_t size) {
  void* raw = mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (begin + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = begin + size + kHuge;
  if (aligned > begin) munmap(raw, aligned - begin);
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

}  // namespace

void* Map(size_t bytes) {
  const size_t size = Rounded(bytes);
  Kept& kept = TheKept();
  std::vector<Block> too_small;
  Block found{nullptr, 0};
  {
    std::lock_guard<std::mutex> lock(kept.mu);
    auto best = kept.blocks.end();
    for (auto it = kept.blocks.begin(); it != kept.blocks.end(); ++it) {
      if (it->size >= size && (best == kept.blocks.end() || it->size < best->size)) best = it;
    }
    if (best != kept.blocks.end()) {
      found = *best;
      kept.blocks.erase(best);
      kept.bytes -= found.size;
      kept.reused += size;
    } else {
      // The checks of one run have arrays of about the same sizes: blocks too small for this
      // one would only add to the memory held next to its fresh block.
      too_small.swap(kept.blocks);
      kept.bytes = 0;
    }
  }
  for (const Block& b : too_small) munmap(b.begin, b.size);
  if (found.begin == nullptr) return MapFresh(size);
  if (found.size > size) munmap(static_cast<char*>(found.begin) + size, found.size - size);
  return found.begin;
}

void Unmap(void* block, size_t bytes) {
  const size_t size = Rounded(bytes);
  if (size > kMaxKeptBytes || madvise(block, size, MADV_FREE) != 0) {
    munmap(block, size);
    return;
  }
  Kept& kept = TheKept();
  std::vector<Block> evicted;
  {
    std::lock_guard<std::mutex> lock(kept.mu);
    kept.blocks.push_back({block, size});
    kept.bytes += size;
    size_t drop = 0;
    while (kept.bytes > kMaxKeptBytes) kept.bytes -= kept.blocks[drop++].size;
    evicted.assign(kept.blocks.begin(), kept.blocks.begin() + static_cast<ptrdiff_t>(drop));
    kept.blocks.erase(kept.blocks.begin(), kept.blocks.begin() + static_cast<ptrdiff_t>(drop));
  }
  for (const Block& b : evicted) munmap(b.begin, b.size);
}

void ReleaseKept() {
  Kept& kept = TheKept();
  std::vector<Block> all;
  {
    std::lock_guard<std::mutex> lock(kept.mu);
    all.swap(kept.blocks);
    kept.bytes = 0;
  }
  for (const Block& b : all) munmap(b.begin, b.size);
}

size_t KeptBytes() {
  Kept& kept = TheKept();
  std::lock_guard<std::mutex> lock(kept.mu);
  return kept.bytes;
}

uint64_t ReusedBytes() {
  Kept& kept = TheKept();
  std::lock_guard<std::mutex> lock(kept.mu);
  return kept.reused;
}

}  // namespace mapstress::huge_pages
