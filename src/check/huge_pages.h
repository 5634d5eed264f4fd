// Big blocks for the checker's arrays: 2 MiB-aligned, advised as transparent huge pages, and
// kept after they are given back for the next check of the process (`run` checks every
// trial), whose writes then skip the first-touch page zeroing.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define MAPSTRESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MAPSTRESS_ASAN 1
#endif
#endif

namespace mapstress::huge_pages {

// Linux's default THP mode, "madvise", gives none unless asked: the checker's random reads into
// its write array then miss the TLB far less, and first touch faults once per 2 MiB. Not under
// AddressSanitizer, which then keeps watching the arrays on the heap.
#ifdef MAPSTRESS_ASAN
inline constexpr bool kEnabled = false;
#else
inline constexpr bool kEnabled = true;
#endif

constexpr size_t kHuge = size_t{2} << 20;
constexpr size_t kMinBytes = size_t{8} << 20;  // smaller arrays come from the heap

inline size_t Rounded(size_t bytes) { return (bytes + kHuge - 1) & ~(kHuge - 1); }

// A kHuge-aligned block of Rounded(bytes), its contents undefined: the smallest kept block
// that is large enough (its tail beyond Rounded(bytes) unmapped), else a fresh mapping that
// starts with the largest kept block's pages (moved there by mremap; the other kept blocks are
// unmapped). Throws std::bad_alloc when mmap fails. Thread-safe.
void* Map(size_t bytes);

// Gives a block from Map back. It is kept, its pages marked free (MADV_FREE: the kernel takes
// them when it needs memory, and a later write to one it did not take skips the first-touch
// zeroing), up to kMaxKeptBytes in all; beyond that the oldest kept blocks are unmapped.
// Never throws.
void Unmap(void* block, size_t bytes);

constexpr size_t kMaxKeptBytes = size_t{8} << 30;

// Unmaps every kept block (benchmarks measuring the memory of one check start with this).
void ReleaseKept();
size_t KeptBytes();
uint64_t ReusedBytes();  // handed out from kept blocks so far

}  // namespace mapstress::huge_pages
