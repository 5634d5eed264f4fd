// Deterministic per-thread op streams: the same (seed, group, thread, trial) always yields
// the same sequence of op kinds and keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history.h"
#include "scenario/scenario.h"

namespace mapstress {

// SplitMix64: seeds and mixes.
uint64_t Mix64(uint64_t x);

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_ += 0x9E3779B97F4A7C15ull); }
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Picks keys from [lo, hi) with the scenario's distribution or in sequence.
class KeyPicker {
 public:
  KeyPicker(const KeySpec& spec, uint64_t lo, uint64_t hi, KeyOrder order, uint32_t thread_in_group,
            uint32_t threads_in_group);
  uint64_t Next(Rng& rng);

 private:
  uint64_t Scatter(uint64_t rank) const;  // rank -> key, a bijection on the range

  KeySpec spec_;
  uint64_t lo_, n_;
  KeyOrder order_;
  uint64_t next_seq_, step_;
  double zipf_alpha_ = 0, zipf_eta_ = 0, zipf_zetan_ = 0, zipf_half_pow_ = 0;
  uint64_t hot_n_ = 0;
};

// Unique, self-describing store values: trial, writer thread and sequence number.
// Layout: bits 63..52 trial % 4095 + 1, bits 51..41 thread + 1 (0 = prefill), bits 40..0 seq.
// Never 0 and never UINT64_MAX or UINT64_MAX - 1 (backends may use those as sentinels).
inline uint64_t EncodeValue(uint32_t trial, uint32_t writer_plus_one, uint64_t seq) {
  return (uint64_t{trial % 4095 + 1} << 52) | (uint64_t{writer_plus_one} << 41) | (seq & ((uint64_t{1} << 41) - 1));
}
inline uint64_t PrefillValue(uint32_t trial, uint64_t key) { return EncodeValue(trial, 0, key + 1); }

struct PlannedOp {
  OpKind kind;
  uint64_t key;
};

// One worker thread's plan and op stream.
class OpStream {
 public:
  OpStream(const Scenario& scenario, size_t group, uint32_t thread_in_group, uint64_t seed, uint32_t trial);
  PlannedOp Next();

 private:
  Role role_;
  OpMix mix_;
  Rng rng_;
  KeyPicker picker_;
  KeyPicker update_picker_;  // mixed role's `update` share: prefilled keys
  uint64_t toggle_a_ = 0, toggle_b_ = 0;
  uint32_t toggle_step_ = 0;
};

// [lo, hi) for a group after role defaults.
void GroupKeyRange(const Scenario& scenario, const ThreadGroup& group, uint64_t* lo, uint64_t* hi);
// The seed of one thread's stream.
uint64_t ThreadSeed(uint64_t seed, size_t group, uint32_t thread_in_group, uint32_t trial);
// "writer-1", "iterator-2", ...: numbered per role across groups, in scenario order.
std::vector<std::string> ThreadNames(const Scenario& scenario);

}  // namespace mapstress
