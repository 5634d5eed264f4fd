#include "check/huge_pages.h"

#include <pthread.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
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
  std::atomic<uint64_t> reused{0};  // bytes handed out from kept blocks
};

Kept* g_kept = nullptr;

// A forked child inherits the kept blocks copy-on-write: writing one would copy its pages, so
// the child unmaps them and starts with none. The lock is held across fork, so that the child
// never gets it held by a thread of the parent that it does not have.
void LockForFork() { g_kept->mu.lock(); }
void UnlockAfterFork() { g_kept->mu.unlock(); }
void DropInChild() {
  for (const Block& b : g_kept->blocks) munmap(b.begin, b.size);
  g_kept->blocks.clear();
  g_kept->bytes = 0;
  g_kept->mu.unlock();
}

Kept& TheKept() {
  static Kept* kept = [] {
    g_kept = new Kept;  // never destroyed: blocks may be given back during exit
    pthread_atfork(LockForFork, UnlockAfterFork, DropInChild);
    return g_kept;
  }();
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
  bool fits = false;
  {
    std::lock_guard<std::mutex> lock(kept.mu);
    auto best = kept.blocks.end();
    for (auto it = kept.blocks.begin(); it != kept.blocks.end(); ++it) {
      if (it->size >= size && (best == kept.blocks.end() || it->size < best->size)) best = it;
    }
    fits = best != kept.blocks.end();
    if (!fits) {  // the largest, to be the head of a fresh block
      best = std::max_element(kept.blocks.begin(), kept.blocks.end(),
                              [](const Block& a, const Block& b) { return a.size < b.size; });
    }
    if (best != kept.blocks.end()) {
      found = *best;
      kept.blocks.erase(best);
      kept.bytes -= found.size;
    }
    if (!fits) {
      // The checks of one run have arrays of about the same sizes: blocks too small for this
      // one would only add to the memory held.
      too_small.swap(kept.blocks);
      kept.bytes = 0;
    }
  }
  for (const Block& b : too_small) munmap(b.begin, b.size);
  if (found.begin == nullptr) return MapFresh(size);
  if (fits) {
    if (found.size > size) munmap(static_cast<char*>(found.begin) + size, found.size - size);
    kept.reused += size;
    return found.begin;
  }
  // Too small: its pages move, page tables and all, to the start of a fresh block.
  void* block = nullptr;
  try {
    block = MapFresh(size);
  } catch (const std::bad_alloc&) {
    munmap(found.begin, found.size);
    throw;
  }
  if (mremap(found.begin, found.size, found.size, MREMAP_MAYMOVE | MREMAP_FIXED, block) == MAP_FAILED) {
    munmap(found.begin, found.size);
  } else {
    kept.reused += found.size;
  }
  return block;
}

void Unmap(void* block, size_t bytes) {
  const size_t size = Rounded(bytes);
  if (size > kMaxKeptBytes || madvise(block, size, MADV_FREE) != 0) {
    munmap(block, size);
    return;
  }
  // Never throws (an allocator's deallocate): without room in the list the block is unmapped.
  Kept& kept = TheKept();
  std::lock_guard<std::mutex> lock(kept.mu);
  try {
    kept.blocks.push_back({block, size});
  } catch (const std::bad_alloc&) {
    munmap(block, size);
    return;
  }
  kept.bytes += size;
  while (kept.bytes > kMaxKeptBytes) {
    munmap(kept.blocks.front().begin, kept.blocks.front().size);
    kept.bytes -= kept.blocks.front().size;
    kept.blocks.erase(kept.blocks.begin());
  }
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

uint64_t ReusedBytes() { return TheKept().reused.load(); }

}  // namespace mapstress::huge_pages
