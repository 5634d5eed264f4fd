// The recorded evidence of one trial: plain data, in nanoseconds on one clock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/guarantee.h"

namespace mapstress {

enum class OpKind : uint8_t { kStore, kErase, kLoad, kIterate };
inline constexpr int kOpKindCount = 4;
const char* OpKindName(OpKind kind);  // "store", "erase", "load", "iterate"
bool ParseOpKind(std::string_view text, OpKind* out);
const std::vector<std::string>& OpKindNames();  // in value order

struct Entry {
  uint64_t key = 0;
  uint64_t value = 0;
};

// One completed operation with its closed interval [call, ret].
struct Op {
  int64_t call = 0;
  int64_t ret = 0;
  uint64_t key = 0;    // unused for kIterate
  uint64_t value = 0;  // kStore: value written; kLoad: value read when found
  uint32_t thread = 0;
  uint32_t entry_count = 0;  // kIterate: entries[first_entry, first_entry + entry_count)
  uint64_t first_entry = 0;
  OpKind kind = OpKind::kStore;
  bool found = false;  // kLoad: key found; kErase: key removed
};

struct History {
  std::string scenario;
  std::string backend;
  Guarantee guarantee = Guarantee::kWeak;
  uint32_t trial = 0;
  uint64_t seed = 0;
  std::vector<Entry> initial;             // state before any op (prefill); keys unique
  std::vector<Op> ops;                    // any order
  std::vector<Entry> entries;             // iteration entries in visit order, referenced by ops
  std::vector<std::string> thread_names;  // optional, indexed by Op::thread ("writer-1")
  bool truncated = false;                 // the trial stopped early because its history buffers were full
  // The contract the case was graded by (kind -> grade, as written by `run`); empty when
  // unknown, then `check` grades by `guarantee`. {"missing": "FORBIDDEN", ...}
  std::map<std::string, std::string> grading;

  std::string ThreadName(uint32_t thread) const;  // "writer-1" or "thread 7"
  // Whether `op` is an iteration whose entries reach past `entries` (a malformed history).
  bool RefersPastEntries(const Op& op) const {
    return op.kind == OpKind::kIterate &&
           (op.first_entry > entries.size() || op.entry_count > entries.size() - op.first_entry);
  }
};

}  // namespace mapstress
