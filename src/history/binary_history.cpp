#include "history/binary_history.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace mapstress {
namespace {

// Tag byte of an op record: kind (2 bits) | flag << 2 | new thread << 3 | call mode << 4 |
// new return << 6 | explicit value << 7.
enum CallMode : uint8_t { kCallSameAsPrevious = 0, kCallAtPreviousReturn = 1, kCallExplicit = 2 };
// Entry byte: explicit key (else the key at the cursor in the previous iteration) | explicit
// value << 1 (else the key's current value).
constexpr uint8_t kEntryKey = 1, kEntryValue = 2;
// Stream flags: the ops were thread-major (each thread's ops together, calls non-decreasing) and
// are stored merged by call; the decoder puts them back.
constexpr uint64_t kThreadMajor = 1;

uint64_t ZigZag(uint64_t v) { return (v << 1) ^ (0 - (v >> 63)); }
uint64_t UnZigZag(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

// What encoder and decoder both know about a key: its current value (the last one stored, read
// or visited) and where the last iteration that visited it did (iteration number from 1, position).
struct KeySlot {
  uint64_t value;
  uint32_t iteration;
  uint32_t position;
};

// The previous iteration in record order: the next entry is predicted to be its entry at `cursor`.
struct PreviousIteration {
  uint64_t first = 0;  // into history.entries
  uint64_t count = 0;
  uint32_t number = 0;  // 0: none yet
};

// Keys below 2^20 in a flat array (at most 16 MiB), others in an open-addressing table. A
// reference stays valid until the next At().
class KeyTable {
 public:
  KeyTable() : slots_(1024) {}
  KeySlot& At(uint64_t key) {
    if (key < flat_.size()) [[likely]]
      return flat_[key];
    return AtSlow(key);
  }
  // A hint that At(key) comes soon (decoding runs ahead of the random lookups it needs).
  void Prefetch(uint64_t key) const {
    if (key < flat_.size()) {
      __builtin_prefetch(&flat_[key], 1);
    } else if (key >= kFlat) {
      __builtin_prefetch(&slots_[Hash(key) & (slots_.size() - 1)], 1);
    }
  }

 private:
  static constexpr uint64_t kFlat = uint64_t{1} << 20;
  struct Slot {
    uint64_t key;
    bool used;
    KeySlot slot;
  };
  static size_t Hash(uint64_t k) { return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> 20); }
  [[gnu::noinline]] KeySlot& AtSlow(uint64_t key) {
    if (key < kFlat) {
      GrowFlat(key);
      return flat_[key];
    }
    size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.used && s.key == key) return s.slot;
      if (!s.used) {
        if (2 * (count_ + 1) > slots_.size()) {
          Grow();
          return AtSlow(key);
        }
        ++count_;
        s = Slot{key, true, KeySlot{0, 0, 0}};
        return s.slot;
      }
    }
  }
  void GrowFlat(uint64_t key) {
    size_t old = flat_.size();
    flat_.resize(static_cast<size_t>(std::min<uint64_t>(kFlat, std::max<uint64_t>(key + 1, 2 * old))));
    for (size_t k = old; k < flat_.size(); ++k) flat_[k] = KeySlot{0, 0, 0};
  }
  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    count_ = 0;
    for (const Slot& s : old) {
      if (s.used) AtSlow(s.key) = s.slot;
    }
  }
  std::vector<KeySlot> flat_;
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

struct ThreadState {
  uint64_t call = 0, ret = 0;  // of the thread's previous op (two's complement of the int64)
  uint64_t store = 0;          // the thread's previous store value
};

// Thread id -> state, flat for small ids.
class Threads {
 public:
  ThreadState& At(uint32_t t) {
    if (t < kFlat) {
      if (t >= flat_.size()) flat_.resize(t + 1);
      return flat_[t];
    }
    return wide_[t];
  }

 private:
  static constexpr uint32_t kFlat = 1 << 16;
  std::vector<ThreadState> flat_;
  std::unordered_map<uint32_t, ThreadState> wide_;
};

// One thread's ops in a thread-major history: [begin, end) of ops and how many entries they visit.
struct Block {
  uint32_t thread;
  size_t begin, end;
  uint64_t entries;
};

// Each thread's ops contiguous and in call order: then the order is kept by the block list alone.
bool ThreadMajor(const std::vector<Op>& ops, std::vector<Block>* blocks) {
  std::unordered_map<uint32_t, bool> seen;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i == 0 || ops[i].thread != ops[i - 1].thread) {
      if (!seen.emplace(ops[i].thread, true).second) return false;
      if (!blocks->empty()) blocks->back().end = i;
      blocks->push_back(Block{ops[i].thread, i, ops.size(), 0});
    } else if (ops[i].call < ops[i - 1].call) {
      return false;
    }
    if (ops[i].kind == OpKind::kIterate) blocks->back().entries += ops[i].entry_count;
  }
  return true;
}

// The ops of sorted blocks, one at a time in order of call: a heap of the blocks' heads; the
// earliest block yields all its ops up to the next block's head in one run (fence batches).
class CallOrder {
 public:
  CallOrder(const std::vector<Op>& ops, const std::vector<Block>& blocks) : ops_(ops) {
    for (const Block& b : blocks) heads_.emplace_back(b.begin, b.end);
    for (size_t i = 0; i < heads_.size(); ++i) heap_.push_back(i);
    std::make_heap(heap_.begin(), heap_.end(), Later{this});
  }
  // The next op's index, while ops remain.
  size_t Next() {
    if (next_ == end_ || ops_[next_].call > until_) Switch();
    return next_++;
  }

 private:
  struct Later {
    const CallOrder* order;
    bool operator()(size_t x, size_t y) const {
      return order->ops_[order->heads_[x].first].call > order->ops_[order->heads_[y].first].call;
    }
  };
  void Switch() {
    if (block_ != kNone) {
      heads_[block_].first = next_;
      if (next_ != end_) {
        heap_.push_back(block_);
        std::push_heap(heap_.begin(), heap_.end(), Later{this});
      }
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later{this});
    block_ = heap_.back();
    heap_.pop_back();
    next_ = heads_[block_].first;
    end_ = heads_[block_].second;
    until_ = heap_.empty() ? INT64_MAX : ops_[heads_[heap_.front()].first].call;
  }
  static constexpr size_t kNone = SIZE_MAX;
  const std::vector<Op>& ops_;
  std::vector<std::pair<size_t, size_t>> heads_;  // (next, end) of each block
  std::vector<size_t> heap_;                      // blocks with ops left, but the running one
  size_t block_ = kNone, next_ = 0, end_ = 0;
  int64_t until_ = 0;
};

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

}  // namespace

bool EncodeBinaryOps(const History& h, std::string* out, size_t* bad_op) {
  std::vector<Block> blocks;
  const bool merged = h.ops.size() < UINT32_MAX && ThreadMajor(h.ops, &blocks);
  if (!merged) blocks.assign(1, Block{0, 0, h.ops.size(), 0});  // one run in the history's order
  CallOrder order(h.ops, blocks);
  // Written through a raw cursor into `out`, grown (room) before each record and entry.
  const size_t base = out->size();
  out->resize(base + 64 + blocks.size() * 30 + h.ops.size() * 4 + h.entries.size() * 2);
  char* p = out->data() + base;
  char* end = out->data() + out->size();
  auto room = [&](size_t n) {
    if (static_cast<size_t>(end - p) >= n) return;
    const size_t used = static_cast<size_t>(p - out->data());
    out->resize(std::max(out->size() * 2, used + n));
    p = out->data() + used;
    end = out->data() + out->size();
  };
  p = PutVarint(p, merged ? kThreadMajor : 0);
  if (merged) {
    p = PutVarint(p, blocks.size());
    for (const Block& b : blocks) {
      p = PutVarint(p, b.thread);
      p = PutVarint(p, b.end - b.begin);
      p = PutVarint(p, b.entries);
    }
  }
  p = PutVarint(p, h.ops.size());
  p = PutVarint(p, h.entries.size());  // an upper bound: the reader reserves it
  PreviousIteration previous;
  KeyTable keys;
  for (const Entry& e : h.initial) keys.At(e.key).value = e.value;
  Threads threads;
  uint32_t thread = 0;
  constexpr size_t kAhead = 8;         // ops and entries whose key slot is prefetched ahead
  std::array<size_t, kAhead> ahead{};  // the next ops' indices, by position mod kAhead
  const size_t count = h.ops.size();
  for (size_t n = 0; n < std::min(count, kAhead); ++n) ahead[n] = order.Next();
  for (size_t n = 0; n < count; ++n) {
    const size_t index = ahead[n % kAhead];
    if (n + kAhead < count) {
      ahead[n % kAhead] = order.Next();
      const Op& next = h.ops[ahead[n % kAhead]];
      if (next.kind != OpKind::kIterate) keys.Prefetch(next.key);
    }
    const Op& op = h.ops[index];
    if (h.RefersPastEntries(op)) {
      out->resize(base);
      *bad_op = index;
      return false;
    }
    ThreadState& ts = threads.At(op.thread);
    const auto call = static_cast<uint64_t>(op.call), ret = static_cast<uint64_t>(op.ret);
    const CallMode call_mode = call == ts.call  ? kCallSameAsPrevious
                               : call == ts.ret ? kCallAtPreviousReturn
                                                : kCallExplicit;
    const bool new_ret = !(call_mode == kCallSameAsPrevious && ret == ts.ret);
    uint64_t value_xor = 0;
    KeySlot* slot = nullptr;
    if (op.kind == OpKind::kStore) {
      value_xor = op.value ^ (ts.store + 1);
      ts.store = op.value;
    } else if (op.kind == OpKind::kLoad && op.found) {
      slot = &keys.At(op.key);
      value_xor = op.value ^ slot->value;
    }
    const bool flag = op.kind != OpKind::kIterate && op.kind != OpKind::kStore && op.found;
    uint8_t tag = static_cast<uint8_t>(static_cast<uint8_t>(op.kind) | (flag ? 4 : 0) | (op.thread != thread ? 8 : 0) |
                                       (call_mode << 4) | (new_ret ? 64 : 0) | (value_xor != 0 ? 128 : 0));
    room(64);
    *p++ = static_cast<char>(tag);
    if (op.thread != thread) p = PutVarint(p, op.thread);
    thread = op.thread;
    if (call_mode == kCallExplicit) p = PutVarint(p, ZigZag(call - ts.ret));
    if (new_ret) p = PutVarint(p, ZigZag(ret - call));
    ts.call = call;
    ts.ret = ret;
    if (op.kind == OpKind::kIterate) {
      p = PutVarint(p, op.entry_count);
      const uint32_t number = previous.number + 1;
      const Entry* predicted = h.entries.data() + previous.first;
      uint64_t cursor = 0;
      const Entry* e = h.entries.data() + op.first_entry;
      for (uint32_t i = 0; i < op.entry_count; ++i, ++e) {
        if (i + kAhead < op.entry_count) keys.Prefetch(e[kAhead].key);
        KeySlot& s = keys.At(e->key);
        const bool hit = cursor < previous.count && predicted[cursor].key == e->key;
        if (hit) {
          ++cursor;
        } else if (previous.number != 0 && s.iteration == previous.number) {
          cursor = uint64_t{s.position} + 1;  // back in step after keys that are gone
        }
        const uint64_t x = e->value ^ s.value;
        room(24);
        *p++ = static_cast<char>((hit ? 0 : kEntryKey) | (x != 0 ? kEntryValue : 0));
        if (!hit) p = PutVarint(p, e->key);
        if (x != 0) p = PutVarint(p, x);
        s = KeySlot{e->value, number, i};
      }
      previous = PreviousIteration{op.first_entry, op.entry_count, number};
      continue;
    }
    p = PutVarint(p, op.key);
    if (value_xor != 0) p = PutVarint(p, value_xor);
    if (op.kind == OpKind::kStore) keys.At(op.key).value = op.value;
    if (slot != nullptr) slot->value = op.value;
  }
  out->resize(static_cast<size_t>(p - out->data()));
  return true;
}

namespace {

class Reader {
 public:
  explicit Reader(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}
  bool Byte(uint8_t* b) {
    if (p_ == end_) return false;
    *b = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool Varint(uint64_t* v) {
    if (p_ != end_ && static_cast<uint8_t>(*p_) < 0x80) [[likely]] {  // most varints are one byte
      *v = static_cast<uint8_t>(*p_++);
      return true;
    }
    return VarintSlow(v);
  }
  size_t left() const { return static_cast<size_t>(end_ - p_); }

 private:
  bool VarintSlow(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const auto b = static_cast<uint8_t>(*p_++);
      if (shift == 63 && b > 1) return false;
      r |= uint64_t{b & 0x7Fu} << shift;
      if (b < 0x80) {
        *v = r;
        return true;
      }
    }
    return false;
  }
  const char* p_;
  const char* end_;
};

// Huge pages for a large freshly reserved buffer: one page fault per 2 MiB while decoding fills
// it (advice only; the kernel may ignore it).
void AdviseHugePages(void* begin, size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t from = (reinterpret_cast<uintptr_t>(begin) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t to = (reinterpret_cast<uintptr_t>(begin) + bytes) & ~(kHuge - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
#else
  (void)begin;
  (void)bytes;
#endif
}

const char* const kCut = "truncated binary history (the data ends inside a record)";

// Decodes one iteration's `count` entries into out[0, count): each key is the previous
// iteration's (`prev`, `prev_count` entries, number `prev_number`, 0: none) at the cursor or
// explicit, each value the key's current value or XOR-ed with it. The slots of the keys
// predicted a few entries ahead are prefetched, so the lookups do not wait for memory one by one.
bool DecodeEntries(Reader* in, uint64_t count, const Entry* prev, uint64_t prev_count, uint32_t prev_number,
                   KeyTable* keys, Entry* out, std::string* message) {
  constexpr uint64_t kAhead = 16;
  const uint32_t number = prev_number + 1;
  uint64_t cursor = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (cursor + kAhead < prev_count) keys->Prefetch(prev[cursor + kAhead].key);
    uint8_t b = 0;
    if (!in->Byte(&b)) return (*message = kCut, false);
    if (b > (kEntryKey | kEntryValue)) {
      return (*message = fmt::format("bad entry byte {:#04x} in entry {}", b, i + 1), false);
    }
    uint64_t key = 0;
    if (b & kEntryKey) {
      if (!in->Varint(&key)) return (*message = kCut, false);
    } else {
      if (cursor >= prev_count) {
        return (*message = fmt::format("entry {} is predicted past the last iteration", i + 1), false);
      }
      key = prev[cursor++].key;
    }
    KeySlot& s = keys->At(key);
    if ((b & kEntryKey) && prev_number != 0 && s.iteration == prev_number) {
      cursor = uint64_t{s.position} + 1;  // back in step after keys that are gone
    }
    uint64_t x = 0;
    if ((b & kEntryValue) && !in->Varint(&x)) return (*message = kCut, false);
    s = KeySlot{s.value ^ x, number, static_cast<uint32_t>(i)};
    out[i] = Entry{key, s.value};
  }
  return true;
}

}  // namespace

bool DecodeBinaryOps(std::string_view data, History* h, std::string* message, uint64_t* record) {
  Reader in(data);
  *record = 0;
  auto fail = [&](std::string text) {
    *message = std::move(text);
    return false;
  };
  uint64_t flags = 0, count = 0;
  if (!in.Varint(&flags)) return fail(kCut);
  if (flags & ~kThreadMajor) return fail(fmt::format("unknown binary stream flags {:#x}", flags));
  // Thread-major: where each block's ops and entries go (next, end), by the thread's block.
  const bool merged = (flags & kThreadMajor) != 0;
  std::vector<std::array<uint64_t, 4>> slots;  // op next, op end, entry next, entry end
  std::unordered_map<uint32_t, uint32_t> block_of;
  uint64_t block_ops = 0, block_entries = 0;
  if (merged) {
    uint64_t n = 0;
    if (!in.Varint(&n)) return fail(kCut);
    if (n > in.left() / 3) return fail(kCut);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t t = 0, ops = 0, entries = 0;
      if (!in.Varint(&t) || !in.Varint(&ops) || !in.Varint(&entries)) return fail(kCut);
      if (t > UINT32_MAX) return fail(fmt::format("thread {} is out of range", t));
      if (!block_of.emplace(static_cast<uint32_t>(t), static_cast<uint32_t>(i)).second) {
        return fail(fmt::format("thread {} is listed twice", t));
      }
      if (ops > in.left() || entries > in.left()) return fail(kCut);
      slots.push_back({block_ops, block_ops + ops, block_entries, block_entries + entries});
      block_ops += ops;
      block_entries += entries;
    }
  }
  uint64_t total_entries = 0;
  if (!in.Varint(&count) || !in.Varint(&total_entries)) return fail(kCut);
  if (count > in.left() / 2) {
    return fail(fmt::format("{} ops announced but the data holds at most {}", count, in.left() / 2));
  }
  if (merged && (block_ops != count || block_entries > in.left())) {
    return fail("the stream's thread list does not match its op count");
  }
  const size_t ops_before = h->ops.size();
  const size_t entries_before = h->entries.size();
  h->ops.reserve(ops_before + count);
  // At least one byte per entry, so what is reserved is bounded by the input.
  h->entries.reserve(entries_before + std::min<uint64_t>(merged ? block_entries : total_entries, in.left()));
  AdviseHugePages(h->ops.data() + ops_before, count * sizeof(Op));
  AdviseHugePages(h->entries.data() + entries_before, (h->entries.capacity() - entries_before) * sizeof(Entry));
  if (merged) {
    h->ops.resize(ops_before + count);
    h->entries.resize(entries_before + block_entries);
  }
  PreviousIteration previous;
  uint32_t block_thread = UINT32_MAX;
  std::array<uint64_t, 4>* block = nullptr;
  KeyTable keys;
  for (const Entry& e : h->initial) keys.At(e.key).value = e.value;
  Threads threads;
  uint32_t thread = 0;
  ThreadState* ts = &threads.At(thread);
  for (uint64_t n = 0; n < count; ++n) {
    *record = n + 1;
    uint8_t tag = 0;
    if (!in.Byte(&tag)) return fail(kCut);
    const auto kind = static_cast<OpKind>(tag & 3);
    const auto call_mode = static_cast<CallMode>((tag >> 4) & 3);
    if (call_mode > kCallExplicit) return fail(fmt::format("bad record tag {:#04x}", tag));
    if (tag & 8) {
      uint64_t t = 0;
      if (!in.Varint(&t)) return fail(kCut);
      if (t > UINT32_MAX) return fail(fmt::format("thread {} is out of range", t));
      thread = static_cast<uint32_t>(t);
      ts = &threads.At(thread);
    }
    uint64_t call = call_mode == kCallSameAsPrevious ? ts->call : ts->ret;
    uint64_t ret = ts->ret;
    uint64_t v = 0;
    if (call_mode == kCallExplicit) {
      if (!in.Varint(&v)) return fail(kCut);
      call = ts->ret + UnZigZag(v);
    }
    if ((tag & 64) || call_mode != kCallSameAsPrevious) {
      if (!(tag & 64)) return fail(fmt::format("bad record tag {:#04x}", tag));
      if (!in.Varint(&v)) return fail(kCut);
      ret = call + UnZigZag(v);
    }
    if (static_cast<int64_t>(ret) < static_cast<int64_t>(call)) {
      return fail(fmt::format("return {} is before call {}", static_cast<int64_t>(ret), static_cast<int64_t>(call)));
    }
    ts->call = call;
    ts->ret = ret;
    if (merged && thread != block_thread) {
      auto it = block_of.find(thread);
      if (it == block_of.end()) return fail(fmt::format("thread {} is not in the stream's thread list", thread));
      block_thread = thread;
      block = &slots[it->second];
    }
    if (merged && (*block)[0] == (*block)[1]) return fail(fmt::format("more ops of thread {} than listed", thread));
    Op op;
    op.kind = kind;
    op.thread = thread;
    op.call = static_cast<int64_t>(call);
    op.ret = static_cast<int64_t>(ret);
    if (kind == OpKind::kIterate) {
      if (tag & (4 | 128)) return fail(fmt::format("bad record tag {:#04x}", tag));
      uint64_t entries = 0;
      if (!in.Varint(&entries)) return fail(kCut);
      if (entries > in.left() || entries > UINT32_MAX) return fail(kCut);  // at least one byte each
      if (merged) {
        if (entries > (*block)[3] - (*block)[2])
          return fail(fmt::format("more entries of thread {} than listed", thread));
        op.first_entry = entries_before + (*block)[2];
        (*block)[2] += entries;
      } else {
        op.first_entry = h->entries.size();
        h->entries.resize(op.first_entry + entries);
      }
      op.entry_count = static_cast<uint32_t>(entries);
      const Entry* prev = h->entries.data() + previous.first;
      if (!DecodeEntries(&in, entries, prev, previous.count, previous.number, &keys, h->entries.data() + op.first_entry,
                         message)) {
        return false;
      }
      previous = PreviousIteration{op.first_entry, entries, previous.number + 1};
    } else {
      if (!in.Varint(&op.key)) return fail(kCut);
      uint64_t x = 0;
      if ((tag & 128) && !in.Varint(&x)) return fail(kCut);
      if (kind == OpKind::kStore) {
        if (tag & 4) return fail(fmt::format("bad record tag {:#04x}", tag));
        op.value = (ts->store + 1) ^ x;
        ts->store = op.value;
        keys.At(op.key).value = op.value;
      } else {
        op.found = (tag & 4) != 0;
        if (kind == OpKind::kLoad && op.found) {
          KeySlot& s = keys.At(op.key);
          op.value = s.value ^ x;
          s.value = op.value;
        } else if (tag & 128) {
          return fail(fmt::format("bad record tag {:#04x}", tag));
        }
      }
    }
    if (merged) {
      h->ops[ops_before + (*block)[0]++] = op;
    } else {
      h->ops.push_back(op);
    }
  }
  *record = count + 1;
  if (in.left() != 0) return fail(fmt::format("{} bytes after the last record", in.left()));
  for (const auto& b : slots) {
    if (b[0] != b[1] || b[2] != b[3]) return fail("fewer ops or entries of a thread than its stream lists");
  }
  return true;
}

}  // namespace mapstress
