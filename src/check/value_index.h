// The checker's stored-value index: value -> the write that owns it (the first store of the
// value, prefill values first, then History::ops order), so that judging an entry or a load
// costs one or two memory accesses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "check/checker.h"
#include "check/uninit_allocator.h"

namespace mapstress {

// Two layouts behind one interface, chosen once all values are known:
//
// - Runs: stored values are usually self-describing counters (the engine stores
//   EncodeValue(trial, writer, seq++), so one writer's stores, in ops order, are consecutive
//   numbers). Values are numbered by ownership order (their ordinal); maximal stretches of
//   consecutive values with consecutive ordinals form runs, and a value's ordinal is
//   run.ordinal + (value - run.first). The index is then a small sorted table of runs plus
//   one uint32 per value (ordinal -> write), filled in ops order and read near the time
//   frontier. Used only when no two runs overlap (so every value is stored exactly once) and
//   there are few runs (or when forced, for tests).
// - Hash: open addressing with linear probing (power-of-two capacity, at most 2/3 full) from
//   value to write, for arbitrary values and for histories that store a value twice (the
//   first store claims it). A history file needs its values unique per key only, so a value
//   may also be stored under several keys: the first claims the value, and each other key's
//   first store of it is kept in a side table by (key, value) (FindOther).
//
// Protocol: Add() every value in ownership order; Decide(); then, in the same order,
// Claim(value, key, ordinal) each value, giving a handle (kNone: the key already owns the
// value), and SetWrite(handle, write) (again whenever that write moves); then Find(), and
// FindOther() where Find's write belongs to another key and HasOthers().
class ValueIndex {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;
  // In kAuto, runs are used only while there are at most this many of them.
  static constexpr size_t kMaxRuns = 4096;

  void Add(uint64_t value) {
    if (!runs_.empty() && value != 0 && value - 1 == last_) {
      ++runs_.back().count;
    } else if (runs_.size() < max_runs_) {
      runs_.push_back(Run{value, 1, values_});
    } else {
      too_many_runs_ = true;
      max_runs_ = 0;  // stop collecting
      std::vector<Run>().swap(runs_);
    }
    last_ = value;
    ++values_;
  }

  // Adds the values `later` was given (by Add, with the same layout), as if each were
  // Add()ed here in their order: a run continues across the seam when its values do.
  void Append(const ValueIndex& later) {
    if (later.values_ == 0) return;
    if (later.too_many_runs_) too_many_runs_ = true, max_runs_ = 0, std::vector<Run>().swap(runs_);
    for (size_t i = 0; i < later.runs_.size() && !too_many_runs_; ++i) {
      const Run& r = later.runs_[i];
      if (i == 0 && !runs_.empty() && r.first != 0 && r.first - 1 == last_) {
        runs_.back().count += r.count;
      } else if (runs_.size() < max_runs_) {
        runs_.push_back(Run{r.first, r.count, values_ + r.ordinal});
      } else {
        too_many_runs_ = true;
        max_runs_ = 0;
        std::vector<Run>().swap(runs_);
      }
    }
    last_ = later.last_;
    values_ += later.values_;
  }

  void Swap(ValueIndex& other) { std::swap(*this, other); }

  // Call before the first Add.
  void SetLayout(ValueLayout layout) {
    layout_ = layout;
    max_runs_ = layout == ValueLayout::kAuto ? kMaxRuns : layout == ValueLayout::kRuns ? ~size_t{0} : 0;
  }

  // Picks the layout and allocates it.
  void Decide() {
    others_.clear();
    other_slots_.clear();
    other_mask_ = 0;
    bool runs = layout_ != ValueLayout::kHash && !too_many_runs_ && values_ < kNone;
    if (runs) {
      std::sort(runs_.begin(), runs_.end(), [](const Run& a, const Run& b) { return a.first < b.first; });
      for (size_t i = 1; i < runs_.size() && runs; ++i) {
        runs = runs_[i].first - runs_[i - 1].first >= runs_[i - 1].count;  // disjoint: no value twice
      }
    }
    use_runs_ = runs;
    if (use_runs_) {
      firsts_.resize(runs_.size());
      for (size_t i = 0; i < runs_.size(); ++i) firsts_[i] = runs_[i].first;
      writes_.resize(values_);
      block_ret_.assign((values_ + kRetBlock - 1) / kRetBlock, std::numeric_limits<int64_t>::min());
    } else {
      std::vector<Run>().swap(runs_);
      size_t want = 16;
      while (want * 2 < values_ * 3) want *= 2;
      slots_.assign(want, Slot{0, kNone, 0});
      mask_ = want - 1;
    }
  }

  bool UsesRuns() const { return use_runs_; }

  // A handle for filling in the write of `value` stored under the (dense) `key`, or kNone if
  // an earlier store of the same key claimed it. Runs: values are distinct, the key is unused.
  uint32_t Claim(uint64_t value, uint32_t key, uint32_t ordinal) {
    if (use_runs_) return ordinal;
    for (size_t i = Hash(value) & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.write == kNone) {
        s = Slot{value, 0, key};  // claimed; SetWrite fills the write in
        return static_cast<uint32_t>(i);
      }
      if (s.value == value) return s.key == key ? kNone : ClaimOther(value, key);
    }
  }

  void SetWrite(uint32_t handle, uint32_t write) {
    if (use_runs_) {
      writes_[handle] = write;
    } else if (handle < slots_.size()) {
      slots_[handle].write = write;
    } else {
      others_[handle - slots_.size()].write = write;
    }
  }

  // Runs: the store of the value with ordinal `handle` returned at `ret` (each block of kRetBlock
  // ordinals keeps its latest return, for MayReturnAfter). Hash: nothing.
  static constexpr uint32_t kRetBlock = 64;
  void NoteReturn(uint32_t handle, int64_t ret) {
    if (use_runs_) NoteBlockReturn(handle / kRetBlock, ret);
  }
  void NoteBlockReturn(size_t block, int64_t ret) { block_ret_[block] = std::max(block_ret_[block], ret); }

  // False when the store of `value` (if any) surely returned by `t`; runs only (hash: true).
  bool MayReturnAfter(uint64_t value, int64_t t) const {
    if (!use_runs_) return true;
    const uint32_t ordinal = Ordinal(value);
    return ordinal != kNone && block_ret_[ordinal / kRetBlock] > t;
  }

  // Runs, once every return is noted and every write set: per run, the running maximum of its
  // blocks' latest returns, so that the blocks of a run whose stores all returned by a time are
  // a prefix of it. A block shared with another run counts only this run's stores, whose returns
  // `ret_of(write)` gives: one writer's last stores, returning at the trial's end, would otherwise
  // make every store of the next run in ordinal order look unreturned to every reader.
  template <class RetOf>
  void FinishReturns(RetOf&& ret_of) {
    if (!use_runs_) return;
    run_max_.clear();
    run_max_at_.resize(runs_.size() + 1);
    for (size_t i = 0; i < runs_.size(); ++i) {
      run_max_at_[i] = run_max_.size();
      const uint64_t from = runs_[i].ordinal, to = runs_[i].ordinal + runs_[i].count;
      int64_t most = std::numeric_limits<int64_t>::min();
      for (uint64_t b = from / kRetBlock; b <= (to - 1) / kRetBlock; ++b) {
        int64_t ret = block_ret_[b];
        const uint64_t lo = std::max(from, b * kRetBlock), hi = std::min(to, (b + 1) * kRetBlock);
        if (hi - lo < kRetBlock) {  // shared, or the last block of all
          ret = std::numeric_limits<int64_t>::min();
          for (uint64_t o = lo; o < hi; ++o) ret = std::max(ret, ret_of(writes_[o]));
        }
        run_max_.push_back(most = std::max(most, ret));
      }
    }
    run_max_at_[runs_.size()] = run_max_.size();
  }

  // For a batch of readers returning at `t` (an iteration): where each run's stores may still be
  // running. Runs: MayReturnAfter(value) is false when the value's store surely returned by t (or
  // no store wrote it). With a few runs (the engine's: one per writing thread) every run's cut is
  // found at Start, and a value is looked up among the runs' hot ranges by a branch-free binary
  // search; with more, a run's cut is found when one of its values first comes. Hash: always true.
  class Cuts {
   public:
    static constexpr size_t kFew = 8;
    explicit Cuts(const ValueIndex& index) : index_(index), stamp_(index.runs_.size(), 0), cut_(index.runs_.size()) {}
    void Start(int64_t t) {
      t_ = t, ++batch_;
      if (!index_.use_runs_ || index_.runs_.size() > kFew) return;
      // The non-empty hot ranges, sorted and disjoint as the runs are; the unused slots repeat
      // the last range (so the search below needs no bound), or hold an empty one if none.
      size_t n = 0;
      for (size_t i = 0; i < index_.runs_.size(); ++i) {
        const Run& run = index_.runs_[i];
        const uint64_t cut = CutOrdinal(i) - run.ordinal;
        if (cut < run.count) hot_lo_[n] = run.first + cut, hot_hi_[n++] = run.first + run.count - 1;
      }
      for (size_t i = n; i < kFew; ++i) {
        hot_lo_[i] = n > 0 ? hot_lo_[n - 1] : std::numeric_limits<uint64_t>::max();
        hot_hi_[i] = n > 0 ? hot_hi_[n - 1] : 0;
      }
    }
    bool MayReturnAfter(uint64_t value) {
      if (!index_.use_runs_) return true;
      if (index_.runs_.size() <= kFew) {  // the last range starting at or below value, if any
        static_assert(kFew == 8);
        size_t i = size_t{value >= hot_lo_[4]} << 2;
        i += size_t{value >= hot_lo_[i + 2]} << 1;
        i += size_t{value >= hot_lo_[i + 1]};
        return (value >= hot_lo_[i]) & (value <= hot_hi_[i]);
      }
      const size_t i = index_.RunOf(value);
      if (i == kNoRun) return false;
      if (stamp_[i] != batch_) stamp_[i] = batch_, cut_[i] = CutOrdinal(i);
      const Run& run = index_.runs_[i];
      return run.ordinal + (value - run.first) >= cut_[i];
    }

   private:
    // The first ordinal of run i in a block whose stores may return after t (its end if none).
    uint64_t CutOrdinal(size_t i) const {
      const Run& run = index_.runs_[i];
      const int64_t* begin = index_.run_max_.data() + index_.run_max_at_[i];
      const int64_t* end = index_.run_max_.data() + index_.run_max_at_[i + 1];
      const uint64_t block = run.ordinal / kRetBlock + (std::upper_bound(begin, end, t_) - begin);
      return std::clamp<uint64_t>(block * kRetBlock, run.ordinal, run.ordinal + run.count);
    }
    const ValueIndex& index_;
    int64_t t_ = 0;
    uint64_t batch_ = 0;
    std::vector<uint64_t> stamp_, cut_;
    uint64_t hot_lo_[kFew] = {}, hot_hi_[kFew] = {};  // few runs: the values whose stores may still run
  };

  // Whether some value was stored under more than one key (hash layout only).
  bool HasOthers() const { return !others_.empty(); }

  // The write of `value` stored under `key` when the value's owner (Find) is another key's
  // store, or kNone.
  uint32_t FindOther(uint32_t key, uint64_t value) const {
    if (others_.empty()) return kNone;
    for (size_t i = OtherHash(value, key) & other_mask_;; i = (i + 1) & other_mask_) {
      uint32_t j = other_slots_[i];
      if (j == kNone) return kNone;
      if (others_[j].value == value && others_[j].key == key) return others_[j].write;
    }
  }

  // The write owning `value`, or kNone.
  uint32_t Find(uint64_t value) const {
    if (use_runs_) {
      uint32_t ordinal = Ordinal(value);
      return ordinal == kNone ? kNone : writes_[ordinal];
    }
    for (size_t i = Hash(value) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.write == kNone) return kNone;
      if (s.value == value) return s.write;
    }
  }

  // Hints the CPU to fetch what Find(value) reads. Always inlined, as the other prefetch
  // helpers: GCC deems a function that only prefetches pure and drops calls it does not inline.
  [[gnu::always_inline]] void Prefetch(uint64_t value) const {
    if (use_runs_) {
      uint32_t ordinal = Ordinal(value);
      if (ordinal != kNone) __builtin_prefetch(&writes_[ordinal]);
    } else {
      __builtin_prefetch(&slots_[Hash(value) & mask_]);
    }
  }

  // Hints the CPU to fetch where Claim(value, ...) looks (hash layout only).
  [[gnu::always_inline]] void PrefetchClaim(uint64_t value) const {
    if (!use_runs_) __builtin_prefetch(&slots_[Hash(value) & mask_]);
  }

 private:
  struct Run {
    uint64_t first;    // its first value
    uint64_t count;    // consecutive values first, first + 1, ...
    uint64_t ordinal;  // of `first`
  };
  struct Slot {
    uint64_t value;
    uint32_t write;  // kNone: empty
    uint32_t key;    // of the store that owns the value
  };

  // Claims (key, value) in the side table; its handles follow the slots' (slots_.size() + j).
  [[gnu::noinline]] uint32_t ClaimOther(uint64_t value, uint32_t key) {  // rare: out of the placing loop
    if ((others_.size() + 1) * 2 > other_slots_.size()) {
      other_slots_.assign(std::max<size_t>(16, other_slots_.size() * 2), kNone);
      other_mask_ = other_slots_.size() - 1;
      for (uint32_t j = 0; j < others_.size(); ++j) PlaceOther(j);
    }
    for (size_t i = OtherHash(value, key) & other_mask_;; i = (i + 1) & other_mask_) {
      uint32_t j = other_slots_[i];
      if (j == kNone) break;
      if (others_[j].value == value && others_[j].key == key) return kNone;
    }
    others_.push_back(Slot{value, 0, key});
    PlaceOther(static_cast<uint32_t>(others_.size() - 1));
    return static_cast<uint32_t>(slots_.size() + others_.size() - 1);
  }

  void PlaceOther(uint32_t j) {
    size_t i = OtherHash(others_[j].value, others_[j].key) & other_mask_;
    while (other_slots_[i] != kNone) i = (i + 1) & other_mask_;
    other_slots_[i] = j;
  }

  static size_t OtherHash(uint64_t value, uint32_t key) {
    return Hash(value ^ (uint64_t{key} * 0x9e3779b97f4a7c15ULL));
  }

  // Runs: the run holding `value`, or kNoRun.
  static constexpr size_t kNoRun = ~size_t{0};
  size_t RunOf(uint64_t value) const {
    const size_t i = std::upper_bound(firsts_.begin(), firsts_.end(), value) - firsts_.begin();
    return i > 0 && value - runs_[i - 1].first < runs_[i - 1].count ? i - 1 : kNoRun;
  }

  uint32_t Ordinal(uint64_t value) const {
    const size_t i = RunOf(value);
    return i == kNoRun ? kNone : static_cast<uint32_t>(runs_[i].ordinal + (value - runs_[i].first));
  }

  static size_t Hash(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }

  ValueLayout layout_ = ValueLayout::kAuto;
  size_t max_runs_ = kMaxRuns;
  uint64_t values_ = 0;
  uint64_t last_ = 0;
  bool too_many_runs_ = false;
  bool use_runs_ = false;
  std::vector<Run> runs_;           // by ownership order while adding, then by first value
  std::vector<uint64_t> firsts_;    // runs_[i].first, for the binary search
  UninitVector<uint32_t> writes_;   // runs: ordinal -> write
  std::vector<int64_t> block_ret_;  // runs: the latest return of the stores of each kRetBlock ordinals
  std::vector<int64_t> run_max_;    // runs: per run, the running maximum of block_ret_ over its blocks
  std::vector<size_t> run_max_at_;  // where each run's part of run_max_ starts
  std::vector<Slot> slots_;         // hash
  size_t mask_ = 0;
  std::vector<Slot> others_;           // hash: (key, value) claims of values another key owns
  std::vector<uint32_t> other_slots_;  // open addressing over others_ (kNone: empty)
  size_t other_mask_ = 0;
};

}  // namespace mapstress
