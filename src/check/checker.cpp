// The checker. Per key it builds the closed intervals in which each write may be in effect,
// then judges every iteration and load against them. See src/check/README.md for the rules.
#include "check/checker.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "check/flat_map.h"
#include "check/parallel_for.h"
#include "check/uninit_allocator.h"
#include "check/value_index.h"

namespace mapstress {

namespace {

constexpr int64_t kNegInf = std::numeric_limits<int64_t>::min();
constexpr int64_t kPosInf = std::numeric_limits<int64_t>::max();
constexpr uint32_t kNone = FlatMap::kNone;
constexpr uint32_t kStoreBit = 0x80000000u;   // in Write::op: the write is a store
constexpr uint32_t kInitialOp = 0x7fffffffu;  // in Write::op: the initial state

// One write of a key: its call and the end S(w) of its possible interval [call, until].
struct Write {
  int64_t call;
  int64_t until;
  uint32_t op;   // op index | kStoreBit, or kInitialOp | kStoreBit-if-prefilled
  uint32_t key;  // dense key index (while placing: a store's value handle, an erase's removed result)
};

struct Span {
  int64_t lo;
  int64_t hi;
};

// A finite end of an A_k span: its time, key, and (span index within the key) << 1 | is_hi.
struct Endpoint {
  int64_t time;
  uint32_t key;
  uint32_t span_end;
};

// A store (op index) and the reader (op index: a load or an iteration) that returned its value
// the earliest, before the store's own return.
struct SeenBy {
  uint32_t store;
  uint32_t reader;
};

// What checking reads, built once per history and then shared (read-only, but for the P_k
// spans built on first need under `present_once`) by every lane that checks a chunk.
struct Index {
  int64_t t_min = 0;                 // earliest call or return
  uint64_t t_span = 0;               // latest call or return - t_min
  FlatMap key_map;                   // key -> dense index of a written or prefilled key
  std::vector<uint64_t> keys;        // dense index -> key
  std::vector<uint32_t> iterations;  // iterate ops, in ops order, then by call
  uint32_t real_keys = 0;            // keys with writes or a prefill
  std::vector<uint32_t> prefill;     // dense index -> index in History::initial, or kNone
  std::vector<uint64_t> offsets;     // writes of key k: writes[offsets[k], offsets[k+1])
  UninitVector<Write> writes;        // per key by call, via offsets
  ValueIndex value_index;            // stored value -> its write
  UninitVector<Span> absent;         // A_k, per key via absent_off
  std::vector<Span> present;         // P_k, per key via present_off; built on first need
  std::vector<uint64_t> absent_off, present_off;
  std::once_flag present_once;
  UninitVector<Endpoint> endpoints;    // finite ends of every A_k span, by time
  uint64_t spans_from_neg_inf = 0;     // A_k spans starting at -infinity
  std::vector<uint64_t> hi_before;     // endpoints' span ends before each block of kSweepBlock
  std::vector<uint32_t> wrong_erases;  // op indices of erases whose result no write explains, ascending
  // Stores whose value a reader returned before the store did, by store op: the earliest such
  // reader (TightenByReads). A fraction of a percent of the stores of correct maps.
  std::vector<SeenBy> seen_by;
};
constexpr size_t kSweepBlock = 4096;

// Where the must-see sweep stands for an iteration called at c (see Checker::MustSee).
struct Sweep {
  size_t le = 0, lt = 0;            // first endpoint after c, at or after c
  uint64_t los_le = 0, his_lt = 0;  // span starts up to c, span ends before c
};

// One anomaly kind's per-key tally, keys in the order they were first tallied.
struct TallyEntry {
  uint64_t key;
  uint64_t occasions;
  uint64_t last;  // op index of the last occasion
};
struct TallyList {
  std::unordered_map<uint64_t, uint32_t> where;  // key -> index in list
  std::vector<TallyEntry> list;
};

bool IsStore(const Write& w) { return (w.op & kStoreBit) != 0; }
uint32_t OpIndex(const Write& w) { return w.op & ~kStoreBit; }

// Appends the union of closed intervals given in ascending `lo` order, merging touching ones.
template <class Out>
void AppendUnion(std::vector<Span>& in, Out* out) {
  size_t first = out->size();
  for (const Span& s : in) {
    if (out->size() > first && s.lo <= out->back().hi) {
      out->back().hi = std::max(out->back().hi, s.hi);
    } else {
      out->push_back(s);
    }
  }
  in.clear();
}

// True iff some span of the sorted disjoint list [begin, end) meets [lo, hi].
bool Meets(const Span* begin, const Span* end, int64_t lo, int64_t hi) {
  const Span* it = std::lower_bound(begin, end, lo, [](const Span& s, int64_t t) { return s.hi < t; });
  return it != end && it->lo <= hi;
}

class Checker {
 public:
  Checker(const History& h, const CheckOptions& o, Index& ix) : h_(h), options_(o), ix_(ix) {}

  CheckResult Run() {
    result_.events = h_.ops.size();
    IndexKeys();
    BuildWrites();
    BuildSpans();
    CheckAll();
    FinishExamples();
    FinishTallies();
    return std::move(result_);
  }

  std::map<uint64_t, std::vector<WriteWindow>> Windows(std::optional<uint64_t> only_key) {
    IndexKeys();
    BuildWrites();
    std::map<uint64_t, std::vector<WriteWindow>> out;
    for (uint32_t k = 0; k < real_keys_; ++k) {
      if (only_key && keys_[k] != *only_key) continue;
      auto& windows = out[keys_[k]];
      for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
        const Write& w = writes_[i];
        const bool initial = OpIndex(w) == kInitialOp;
        const uint64_t value = initial ? (IsStore(w) ? h_.initial[prefill_[k]].value : 0) : h_.ops[OpIndex(w)].value;
        const uint32_t seen = initial ? kNone : SeenReader(OpIndex(w));
        windows.push_back(WriteWindow{initial ? -1 : int64_t{OpIndex(w)}, IsStore(w), value, w.call, w.until,
                                      initial ? kNegInf : EffectiveRet(OpIndex(w)),
                                      seen == kNone ? -1 : int64_t{seen}});
      }
    }
    return out;
  }

 private:
  // ---- building ----

  // Densifies keys (prefill first, then written keys), counts writes per key into offsets_
  // and finds the earliest call, in one pass over the ops.
  void IndexKeys() {
    key_map_.Reserve(h_.initial.size());
    offsets_.assign(1, 0);
    auto add = [&](uint64_t key) {
      uint32_t idx = key_map_.Insert(key, static_cast<uint32_t>(keys_.size()));
      if (idx == keys_.size()) {
        keys_.push_back(key);
        offsets_.push_back(1);  // the initial state
      }
      return idx;
    };
    prefill_.clear();
    value_index_.SetLayout(options_.value_layout);
    // Values enter the value index in ownership order: the prefill (first entry of each
    // key), then stores in ops order.
    for (size_t i = 0; i < h_.initial.size(); ++i) {
      uint32_t k = add(h_.initial[i].key);
      if (prefill_.size() < keys_.size()) prefill_.resize(keys_.size(), kNone);
      if (prefill_[k] == kNone) {
        prefill_[k] = static_cast<uint32_t>(i);
        value_index_.Add(h_.initial[i].value);
      }
    }
    int64_t t_min = kPosInf, t_max = kNegInf;
    if (UseSlices()) {
      IndexSlices(add, &t_min, &t_max);
    } else {
      IndexOps(add, &t_min, &t_max);
    }
    if (!h_.ops.empty()) {
      t_min_ = t_min;
      t_span_ = static_cast<uint64_t>(t_max) - static_cast<uint64_t>(t_min);
    }
    real_keys_ = static_cast<uint32_t>(keys_.size());
    prefill_.resize(real_keys_, kNone);
    key_map_.Freeze();  // no key is added after this
  }

  // Whether the ops are indexed and placed in slices on the lanes (same result, see Slice).
  // Tests, with tiny chunk_events, get slices on small histories too.
  bool UseSlices() const {
    return options_.threads > 1 && h_.ops.size() >= 4 * std::min<uint64_t>(options_.chunk_events, 16384);
  }

  template <class Add>
  void IndexOps(Add& add, int64_t* t_min_out, int64_t* t_max_out) {
    int64_t t_min = kPosInf, t_max = kNegInf;
    for (const Op& op : h_.ops) {
      t_min = std::min({t_min, op.call, op.ret});
      t_max = std::max({t_max, op.call, op.ret});
      if (op.kind == OpKind::kStore || op.kind == OpKind::kErase) ++offsets_[add(op.key) + 1];
      if (op.kind == OpKind::kStore) value_index_.Add(op.value);
      if (op.kind == OpKind::kIterate) {
        iterations_.push_back(static_cast<uint32_t>(&op - h_.ops.data()));
      }
    }
    *t_min_out = t_min;
    *t_max_out = t_max;
  }

  // A stretch of the ops indexed on its own: its written keys in order of first appearance
  // (local index) with their write counts, its stores' values (in a ValueIndex of its own), its
  // iterations. Merged in slice order, they give exactly what IndexOps gives; then the slices
  // place their writes at per-key offsets that continue the previous slices'.
  struct alignas(64) Slice {  // lines of its own: a lane updates its slice for every op
    size_t from = 0, to = 0;
    FlatMap local;                // key -> local index
    std::vector<uint64_t> keys;   // local index -> key
    std::vector<uint64_t> count;  // local index -> writes; then: where the next one goes
    std::vector<uint32_t> iterations;
    ValueIndex values;
    uint64_t stores = 0;
    int64_t t_min = kPosInf, t_max = kNegInf;
  };
  std::vector<Slice> slices_;

  template <class Add>
  void IndexSlices(Add& add, int64_t* t_min, int64_t* t_max) {
    const size_t n = std::max<size_t>(options_.threads, 1);
    slices_.resize(n);
    ParallelFor(n, n, [&](size_t, size_t i) {
      Slice& sl = slices_[i];
      sl.from = h_.ops.size() * i / n;
      sl.to = h_.ops.size() * (i + 1) / n;
      sl.values.SetLayout(options_.value_layout);
      int64_t t_min = kPosInf, t_max = kNegInf;
      for (size_t o = sl.from; o < sl.to; ++o) {
        const Op& op = h_.ops[o];
        t_min = std::min({t_min, op.call, op.ret});
        t_max = std::max({t_max, op.call, op.ret});
        if (op.kind == OpKind::kStore || op.kind == OpKind::kErase) {
          uint32_t idx = sl.local.Insert(op.key, static_cast<uint32_t>(sl.keys.size()));
          if (idx == sl.keys.size()) {
            sl.keys.push_back(op.key);
            sl.count.push_back(0);
          }
          ++sl.count[idx];
        }
        if (op.kind == OpKind::kStore) {
          sl.values.Add(op.value);
          ++sl.stores;
        }
        if (op.kind == OpKind::kIterate) sl.iterations.push_back(static_cast<uint32_t>(o));
      }
      sl.t_min = t_min;
      sl.t_max = t_max;
      sl.local.Freeze();
    });
    for (Slice& sl : slices_) {
      *t_min = std::min(*t_min, sl.t_min);
      *t_max = std::max(*t_max, sl.t_max);
      for (size_t j = 0; j < sl.keys.size(); ++j) offsets_[add(sl.keys[j]) + 1] += sl.count[j];
      value_index_.Append(sl.values);
      iterations_.insert(iterations_.end(), sl.iterations.begin(), sl.iterations.end());
      ValueIndex().Swap(sl.values);
    }
  }

  // Places the slices' writes (runs layout: claims are ordinals, so slices do not interfere).
  void PlaceSlices(std::vector<uint64_t>& fill, uint32_t first_ordinal) {
    uint32_t ordinal = first_ordinal;
    std::vector<uint32_t> ordinals;
    for (Slice& sl : slices_) {
      for (size_t j = 0; j < sl.keys.size(); ++j) {
        uint64_t& f = fill[key_map_.Find(sl.keys[j])];
        uint64_t here = sl.count[j];
        sl.count[j] = f;
        f += here;
      }
      ordinals.push_back(ordinal);
      ordinal += static_cast<uint32_t>(sl.stores);
    }
    // A slice's first and last blocks of ordinals may be shared with its neighbours: their
    // latest returns are kept apart and merged after.
    constexpr uint32_t kRetBlock = ValueIndex::kRetBlock;
    std::vector<std::pair<int64_t, int64_t>> edge_rets(slices_.size(), {kNegInf, kNegInf});
    ParallelFor(slices_.size(), slices_.size(), [&](size_t, size_t i) {
      Slice& sl = slices_[i];
      uint32_t next = ordinals[i];
      const uint32_t head = next / kRetBlock;
      const uint32_t tail = (next + static_cast<uint32_t>(std::max<uint64_t>(sl.stores, 1)) - 1) / kRetBlock;
      for (size_t o = sl.from; o < sl.to; ++o) {
        const Op& op = h_.ops[o];
        if (op.kind != OpKind::kStore && op.kind != OpKind::kErase) continue;
        const bool store = op.kind == OpKind::kStore;
        const uint64_t wi = sl.count[sl.local.Find(op.key)]++;
        uint32_t handle = kNone;
        if (store) {
          handle = value_index_.Claim(op.value, 0, next++);  // runs: no key needed
          if (handle != kNone) {
            value_index_.SetWrite(handle, static_cast<uint32_t>(wi));
            const uint32_t block = handle / kRetBlock;
            if (block == head) {
              edge_rets[i].first = std::max(edge_rets[i].first, op.ret);
            } else if (block == tail) {
              edge_rets[i].second = std::max(edge_rets[i].second, op.ret);
            } else {
              value_index_.NoteBlockReturn(block, op.ret);
            }
          }
        }
        writes_[wi] = Write{op.call, op.ret, static_cast<uint32_t>(o) | (store ? kStoreBit : 0),
                            store ? handle : uint32_t{op.found}};
      }
    });
    for (size_t i = 0; i < slices_.size(); ++i) {
      if (slices_[i].stores == 0) continue;
      value_index_.NoteBlockReturn(ordinals[i] / kRetBlock, edge_rets[i].first);
      value_index_.NoteBlockReturn((ordinals[i] + slices_[i].stores - 1) / kRetBlock, edge_rets[i].second);
    }
    std::vector<Slice>().swap(slices_);
  }

  void BuildWrites() {
    // Counting sort of writes by key; slot 0 of each key is its initial state. Stores are
    // claimed in the value index on the way, so the first store seen owns a value (prefill
    // values first, then ops order; another key's first store of it is kept apart, see
    // ValueIndex); until the key is finished, a store's `key` field holds its value-index
    // handle (kNone if an earlier store of the same key claimed the value), an erase's its
    // removed result (1 or 0).
    for (uint32_t k = 0; k < real_keys_; ++k) offsets_[k + 1] += offsets_[k];
    writes_.resize(offsets_[real_keys_]);
    value_index_.Decide();
    uint32_t ordinal = 0;
    auto claim = [&](uint64_t value, uint32_t k, uint64_t wi) {
      uint32_t handle = value_index_.Claim(value, k, ordinal++);
      if (handle != kNone) value_index_.SetWrite(handle, static_cast<uint32_t>(wi));
      return handle;
    };
    std::vector<uint64_t> fill(offsets_.begin(), offsets_.end() - 1);
    for (uint32_t k = 0; k < real_keys_; ++k) {
      bool prefilled = prefill_[k] != kNone;
      uint32_t slot = prefilled ? claim(h_.initial[prefill_[k]].value, k, fill[k]) : kNone;
      writes_[fill[k]++] = Write{kNegInf, kNegInf, kInitialOp | (prefilled ? kStoreBit : 0), slot};
    }
    if (!slices_.empty() && value_index_.UsesRuns()) {
      PlaceSlices(fill, ordinal);
    } else {
      std::vector<Slice>().swap(slices_);
      if (value_index_.UsesRuns()) {  // every value stored once: its handle is its ordinal
        auto claim_run = [&](uint64_t, uint32_t, uint64_t wi) {
          const uint32_t handle = ordinal++;
          value_index_.SetWrite(handle, static_cast<uint32_t>(wi));
          return handle;
        };
        PlaceOps(fill, claim_run);
      } else {
        PlaceOps(fill, claim);
      }
    }
    std::vector<uint64_t>().swap(fill);
    value_index_.FinishReturns([&](uint32_t wi) {  // `until` still holds each write's return
      return wi < writes_.size() ? writes_[wi].until : std::numeric_limits<int64_t>::max();
    });
    TightenByReads();

    // Per key: sort by call, then S(w) = min ret of writes called after w returned, and judge
    // the erases' results.
    const std::vector<uint32_t> bounds = KeyRanges();
    std::vector<std::vector<uint32_t>> wrong(bounds.size() - 1);
    ForKeyRanges(bounds, [&](size_t range, uint32_t key_from, uint32_t key_to) {
      FinishWrites(key_from, key_to, &wrong[range]);
    });
    ix_.wrong_erases.clear();
    for (const auto& w : wrong) ix_.wrong_erases.insert(ix_.wrong_erases.end(), w.begin(), w.end());
    std::sort(ix_.wrong_erases.begin(), ix_.wrong_erases.end());
  }

  // A load that returned a store's value, or an iteration that visited it, read it after the
  // store took effect, so the store took effect by the reader's return: while `until` still holds
  // each write's return, it becomes the earliest return of a reader of its value, where that is
  // earlier (and not before the store's call: such a reader is judged wrong, and proves nothing).
  // Everything after uses it as the store's return. The earliest such reader per store goes to
  // ix_.seen_by for the examples.
  void TightenByReads() {
    constexpr size_t kChunk = size_t{1} << 18;
    constexpr size_t kBlock = 1024, kStep = 8;
    const size_t n_ops = h_.ops.size();
    const size_t chunks = (n_ops + kChunk - 1) / kChunk;
    const bool others = value_index_.HasOthers();
    struct Read {
      uint64_t key, value;
      int64_t ret;      // the reader's return
      uint32_t reader;  // its op index
      uint32_t write;   // the write of the value, once found
    };
    std::vector<std::vector<SeenBy>> parts(chunks);
    ParallelFor(std::max<size_t>(options_.threads, 1), chunks, [&](size_t, size_t chunk) {
      const Op* ops = h_.ops.data();
      const Entry* entries = h_.entries.data();
      Write* const writes = writes_.data();
      std::vector<Read> reads;
      std::vector<uint32_t> loads(kBlock), iterations(kBlock);
      ValueIndex::Cuts cuts(value_index_);
      std::vector<SeenBy>& part = parts[chunk];
      const size_t chunk_end = std::min(n_ops, (chunk + 1) * kChunk);
      for (size_t base = chunk * kChunk; base < chunk_end; base += kBlock) {
        const size_t end = std::min(chunk_end, base + kBlock);
        size_t nl = 0, ni = 0;  // listed without branching on the (unpredictable) op kinds
        for (size_t i = base; i < end; ++i) {
          loads[nl] = iterations[ni] = static_cast<uint32_t>(i);
          nl += (ops[i].kind == OpKind::kLoad) & ops[i].found;
          ni += ops[i].kind == OpKind::kIterate;
        }
        // Most reads see a value whose store (and its block's) returned long before: those are
        // not listed, and their writes never touched.
        reads.clear();
        for (size_t j = 0; j < nl; ++j) {
          const Op& op = ops[loads[j]];
          if (others || value_index_.MayReturnAfter(op.value, op.ret)) {
            reads.push_back(Read{op.key, op.value, op.ret, loads[j], kNone});
          }
        }
        for (size_t j = 0; j < ni; ++j) {
          const Op& op = ops[iterations[j]];
          if (h_.RefersPastEntries(op)) continue;
          cuts.Start(op.ret);
          for (uint64_t e = op.first_entry; e < op.first_entry + op.entry_count; ++e) {
            if (others || cuts.MayReturnAfter(entries[e].value)) {
              reads.push_back(Read{entries[e].key, entries[e].value, op.ret, iterations[j], kNone});
            }
          }
        }
        const size_t n = reads.size();
        for (size_t j = 0; j < n + 2 * kStep; ++j) {
          if (j < n) value_index_.Prefetch(reads[j].value);
          if (j >= kStep && j - kStep < n) {
            const uint32_t wi = value_index_.Find(reads[j - kStep].value);
            reads[j - kStep].write = wi;
            if (wi != kNone) __builtin_prefetch(&writes[wi]);
          }
          if (j < 2 * kStep) continue;
          const Read& read = reads[j - 2 * kStep];
          uint32_t wi = read.write;
          // Usually the reader returned after the store did: nothing to learn.
          if (!others && (wi == kNone || read.ret < writes[wi].call ||
                          read.ret > std::atomic_ref<int64_t>(writes[wi].until).load(std::memory_order_relaxed))) {
            continue;
          }
          // The store must be of the reader's key (a value of another key is unknown_value).
          const uint32_t k = key_map_.Find(read.key);
          if (k >= real_keys_) continue;
          if (wi == kNone || wi < offsets_[k] || wi >= offsets_[k + 1]) {
            wi = others ? value_index_.FindOther(k, read.value) : kNone;
            if (wi == kNone) continue;
          }
          Write& w = writes[wi];
          if (OpIndex(w) == kInitialOp || read.ret < w.call) continue;
          std::atomic_ref<int64_t> until(w.until);
          int64_t u = until.load(std::memory_order_relaxed);
          if (read.ret > u || read.ret >= ops[OpIndex(w)].ret) continue;
          while (read.ret < u && !until.compare_exchange_weak(u, read.ret, std::memory_order_relaxed)) {
          }
          // Every reader at the final minimum passes here, whatever the order: the choice is the same.
          part.push_back(SeenBy{OpIndex(w), read.reader});
        }
      }
    });
    auto& seen = ix_.seen_by;
    seen.clear();
    for (const auto& part : parts) seen.insert(seen.end(), part.begin(), part.end());
    std::sort(seen.begin(), seen.end(), [&](const SeenBy& a, const SeenBy& b) {
      return std::make_tuple(a.store, h_.ops[a.reader].ret, a.reader) <
             std::make_tuple(b.store, h_.ops[b.reader].ret, b.reader);
    });
    seen.erase(
        std::unique(seen.begin(), seen.end(), [](const SeenBy& a, const SeenBy& b) { return a.store == b.store; }),
        seen.end());
  }

  template <class Claim>
  void PlaceOps(std::vector<uint64_t>& fill, Claim& claim) {
    const FlatMap& key_map_ = Checker::key_map_;
    Write* const writes_ = Checker::writes_.data();
    constexpr size_t kAhead = 48;  // ops, of which about 40% are stores
    const size_t n_ops = h_.ops.size();
    for (size_t i = 0; i < n_ops; ++i) {
      if (i + kAhead < n_ops && h_.ops[i + kAhead].kind == OpKind::kStore) {
        value_index_.PrefetchClaim(h_.ops[i + kAhead].value);
      }
      const Op& op = h_.ops[i];
      if (op.kind != OpKind::kStore && op.kind != OpKind::kErase) continue;
      uint32_t k = key_map_.Find(op.key);
      bool store = op.kind == OpKind::kStore;
      uint32_t tag = static_cast<uint32_t>(i) | (store ? kStoreBit : 0);
      // `until` holds ret for now.
      uint64_t wi = fill[k]++;
      const uint32_t handle = store ? claim(op.value, k, wi) : uint32_t{op.found};
      writes_[wi] = Write{op.call, op.ret, tag, handle};
      if (store && handle != kNone) value_index_.NoteReturn(handle, op.ret);
    }
  }

  // Bounds of ranges of keys with about equal numbers of writes: range i is [b[i], b[i+1]).
  std::vector<uint32_t> KeyRanges() const {
    const size_t threads = std::max<size_t>(options_.threads, 1);
    std::vector<uint32_t> bounds{0};
    if (threads > 1) {
      const uint64_t per = offsets_[real_keys_] / (threads * 8) + 1;
      for (uint32_t k = 0; k < real_keys_; ++k) {
        if (offsets_[k + 1] - offsets_[bounds.back()] >= per) bounds.push_back(k + 1);
      }
    }
    if (bounds.back() != real_keys_) bounds.push_back(real_keys_);
    return bounds;
  }

  // Calls fn(range, from, to) for each range of KeyRanges() `bounds`, on the lanes.
  template <class Fn>
  void ForKeyRanges(const std::vector<uint32_t>& bounds, Fn&& fn) {
    ParallelFor(std::max<size_t>(options_.threads, 1), bounds.size() - 1,
                [&](size_t, size_t i) { fn(i, bounds[i], bounds[i + 1]); });
  }
  template <class Fn>
  void ForKeyRanges(Fn&& fn) {
    ForKeyRanges(KeyRanges(), [&](size_t, uint32_t from, uint32_t to) { fn(from, to); });
  }

  // An erase's result is a point read of presence: `removed` needs some store, and not removed
  // some absent-write other than the erase itself, possible during the erase (c(w) <= its
  // return, S(w) >= its call). Those called before it are covered by the running maxima of S;
  // any called during it (after it in call order, called by its return) explains it outright.
  void FinishWrites(uint32_t key_from, uint32_t key_to, std::vector<uint32_t>* wrong_erases) {
    std::vector<int64_t> suffix_min;
    struct NextWrites {
      uint32_t store, absent;  // positions of the next store and absent-write after an erase
    };
    std::vector<NextWrites> next;  // per erase, the last erase first
    for (uint32_t k = key_from; k < key_to; ++k) {
      Write* begin = writes_.data() + offsets_[k];
      Write* end = writes_.data() + offsets_[k + 1];
      size_t n = end - begin;
      if (SortByCall(begin, end)) {  // the writes moved: tell the value index where to
        for (size_t i = 0; i < n; ++i) {
          if (IsStore(begin[i]) && begin[i].key != kNone) {
            value_index_.SetWrite(begin[i].key, static_cast<uint32_t>(offsets_[k] + i));
          }
        }
      }
      suffix_min.resize(n + 1);
      suffix_min[n] = kPosInf;
      next.clear();
      auto next_store = static_cast<uint32_t>(n), next_absent = static_cast<uint32_t>(n);
      size_t removals = 0;  // erases that report a removal and have a return
      for (size_t i = n; i-- > 0;) {
        suffix_min[i] = std::min(suffix_min[i + 1], begin[i].until);
        if (i > 0 && !IsStore(begin[i])) {
          next.push_back(NextWrites{next_store, next_absent});
          removals += begin[i].key != 0 && begin[i].until != kPosInf;
        }
        (IsStore(begin[i]) ? next_store : next_absent) = static_cast<uint32_t>(i);
      }
      // With two removals or more, for the pair rule: the previous removal in call order (its
      // call, and the two largest returns of the stores called by its return), and the two
      // largest returns and S(w) of the stores before i (the prefill is never between two
      // removals, but may be in effect before the first).
      bool removed_before = false;
      int64_t removed_call = 0;
      Top2 removed_rets, rets, untils;
      // The largest S(w) of the stores and of the absent-writes before i, where there are any.
      int64_t store_until = kNegInf, absent_until = kNegInf;
      bool stores_before = false, absents_before = false;
      for (size_t i = 0; i < n; ++i) {
        // First j >= 1 with call > ret; j > i since calls up to i are <= call(i) <= ret(i).
        // Galloping from i + 1: the superseding write is usually close.
        int64_t ret = begin[i].until;
        size_t lo = std::max<size_t>(i + 1, 1), step = 1, hi = lo;
        while (hi < n && begin[hi].call <= ret) {
          lo = hi + 1;
          hi += step;
          step *= 2;
        }
        hi = std::min(hi, n);
        size_t j =
            std::upper_bound(begin + lo, begin + hi, ret, [](int64_t t, const Write& w) { return t < w.call; }) - begin;
        if (i > 0 && !IsStore(begin[i])) {
          const NextWrites nx = next.back();
          next.pop_back();
          const int64_t c = begin[i].call;
          bool ok = begin[i].key != 0
                        ? (stores_before && store_until >= c) || (nx.store < n && begin[nx.store].call <= ret)
                        : (absents_before && absent_until >= c) || (nx.absent < n && begin[nx.absent].call <= ret);
          if (removals >= 2 && ret != kPosInf && begin[i].key != 0) {  // kPosInf: no result yet
            // The stores called by this erase's return: those before it, and those after it up to j.
            Top2 by_r = rets;
            for (size_t m = i + 1; m < j; ++m) {
              if (IsStore(begin[m])) by_r.Add(begin[m].until, static_cast<uint32_t>(m));
            }
            ok = ok && (!removed_before || RemovalPairPossible(by_r, removed_rets, untils, removed_call, c));
            removed_before = true, removed_call = c, removed_rets = by_r;
          }
          if (!ok && ret != kPosInf) wrong_erases->push_back(OpIndex(begin[i]));
        }
        begin[i].until = suffix_min[j];
        begin[i].key = k;
        const bool store = IsStore(begin[i]);  // without branches: stores and erases interleave
        store_until = std::max(store_until, store ? begin[i].until : kNegInf);
        absent_until = std::max(absent_until, store ? kNegInf : begin[i].until);
        stores_before |= store;
        absents_before |= !store;
        if (removals >= 2 && store) {
          if (i > 0) rets.Add(ret, static_cast<uint32_t>(i));  // the prefill is never between two
          untils.Add(begin[i].until, static_cast<uint32_t>(i));
        }
      }
    }
  }

  // The two largest of some times, and the position of the largest.
  struct Top2 {
    int64_t first = kNegInf, second = kNegInf;
    uint32_t at = kNone;
    void Add(int64_t t, uint32_t i) {
      if (t > first) {
        second = first, first = t, at = i;
      } else if (t > second) {
        second = t;
      }
    }
  };

  // Whether two removals P (called at p_call) and then R (called at r_call) of one key can both
  // have found it present. A store Y must come between them, in either order: one called by R's
  // return that returned at or after P's call (by_r: the stores called by r(R)), or one called by
  // P's return that returned at or after R's call (by_p). If only one store Y can, the first of the
  // two also needs another store X still possible when it took effect, so at or after P's call;
  // such an X was called before R (one called later is a Y as well), so it is among `untils`.
  static bool RemovalPairPossible(const Top2& by_r, const Top2& by_p, const Top2& untils, int64_t p_call,
                                  int64_t r_call) {
    const int from_r = (by_r.first >= p_call) + (by_r.second >= p_call);
    const int from_p = (by_p.first >= r_call) + (by_p.second >= r_call);
    if (from_r + from_p == 0) return false;
    if (from_r == 2 || from_p == 2 || (from_r == 1 && from_p == 1 && by_r.at != by_p.at)) return true;
    const uint32_t y = from_r == 1 ? by_r.at : by_p.at;
    return (untils.at != y && untils.first >= p_call) || untils.second >= p_call;
  }

  // Sorts one key's writes (after its initial state) by (call, op), which is usually already
  // their order. Returns whether it moved any. A thread-major history gives each key one
  // sorted run per writing thread: a few runs are merged in turn (linear each), more sorted.
  static bool SortByCall(Write* begin, Write* end) {
    auto less = [](const Write& a, const Write& b) { return std::tie(a.call, a.op) < std::tie(b.call, b.op); };
    if (end - begin <= 2) return false;
    constexpr int kMaxRuns = 8;
    Write* run_ends[kMaxRuns];
    int runs = 0;
    for (Write* from = begin + 1; from < end && runs <= kMaxRuns; ++runs) {
      from = std::is_sorted_until(from, end, less);
      if (runs < kMaxRuns) run_ends[runs] = from;
    }
    if (runs == 1) return false;
    if (runs > kMaxRuns) {
      std::sort(begin + 1, end, less);
      return true;
    }
    for (int r = 1; r < runs; ++r) std::inplace_merge(begin + 1, run_ends[r - 1], run_ends[r], less);
    return true;
  }

  // A_k per key (the union of its absent-writes' intervals) and the time-sorted list of their
  // finite ends, per range of keys on the lanes: count the spans and the ends per bucket of
  // time (the top kTimeBits bits of TimeKey), then fill the spans in place and scatter the ends
  // into their buckets (in key order within each), then sort each bucket stably by time. The
  // result is a stable sort by time of the ends in key order, without a buffer as large as
  // the list (that buffer was the checker's peak memory).
  void BuildSpans() {
    absent_off_.assign(real_keys_ + 1, 0);
    const std::vector<uint32_t> bounds = KeyRanges();
    const size_t ranges = bounds.size() - 1;
    constexpr int kTimeBits = 11;
    constexpr size_t kBuckets = size_t{1} << kTimeBits;
    // Finite ends have keys in [1, t_span_ + 1]; a span of the whole int64 range (a history with
    // times at both extremes) must not wrap the width to 0.
    const int width = t_span_ == std::numeric_limits<uint64_t>::max() ? 64 : std::bit_width(t_span_ + 1);
    const int shift = std::max(0, width - kTimeBits);
    auto bucket = [&](int64_t t) { return std::min<size_t>(TimeKey(t) >> shift, kBuckets - 1); };
    std::vector<std::array<uint64_t, kBuckets>> at(ranges);  // per range: ends per bucket, then where next
    ForKeyRanges(bounds, [&](size_t range, uint32_t key_from, uint32_t key_to) {
      auto& hist = at[range];
      hist.fill(0);
      for (uint32_t k = key_from; k < key_to; ++k) {
        uint64_t spans = 0;
        int64_t lo = 0, hi = kNegInf;
        auto close = [&] {
          if (lo != kNegInf) ++hist[bucket(lo)];
          if (hi != kPosInf) ++hist[bucket(hi)];
        };
        for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
          const Write& w = writes_[i];
          if (IsStore(w)) continue;
          if (spans > 0 && w.call <= hi) {
            hi = std::max(hi, w.until);
            continue;
          }
          if (spans > 0) close();
          ++spans;
          lo = w.call;
          hi = w.until;
        }
        if (spans > 0) close();
        absent_off_[k + 1] = spans;
      }
    });
    for (uint32_t k = 0; k < real_keys_; ++k) absent_off_[k + 1] += absent_off_[k];
    std::vector<uint64_t> bucket_begin(kBuckets + 1, 0);
    uint64_t total = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      bucket_begin[b] = total;
      for (size_t r = 0; r < ranges; ++r) {
        uint64_t here = at[r][b];
        at[r][b] = total;
        total += here;
      }
    }
    bucket_begin[kBuckets] = total;
    absent_.resize(absent_off_[real_keys_]);
    endpoints_.resize(total);
    std::vector<uint64_t> from_neg_inf(ranges, 0);
    ForKeyRanges(bounds, [&](size_t range, uint32_t key_from, uint32_t key_to) {
      auto& next = at[range];
      std::vector<Span> absent;
      uint64_t neg = 0;
      for (uint32_t k = key_from; k < key_to; ++k) {
        for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
          const Write& w = writes_[i];
          if (!IsStore(w)) absent.push_back(Span{w.call, w.until});
        }
        Span* out = absent_.data() + absent_off_[k];
        size_t n = 0;
        for (const Span& sp : absent) {
          if (n > 0 && sp.lo <= out[n - 1].hi) {
            out[n - 1].hi = std::max(out[n - 1].hi, sp.hi);
          } else {
            out[n++] = sp;
          }
        }
        absent.clear();
        for (size_t i = 0; i < n; ++i) {
          uint32_t rel = static_cast<uint32_t>(i) << 1;
          if (out[i].lo != kNegInf) {
            endpoints_[next[bucket(out[i].lo)]++] = Endpoint{out[i].lo, k, rel};
          } else {
            ++neg;
          }
          if (out[i].hi != kPosInf) endpoints_[next[bucket(out[i].hi)]++] = Endpoint{out[i].hi, k, rel | 1};
        }
      }
      from_neg_inf[range] = neg;
    });
    for (uint64_t n : from_neg_inf) spans_from_neg_inf_ += n;
    const size_t threads = std::max<size_t>(options_.threads, 1);
    std::vector<BucketSorter> sorters(std::min(threads, kBuckets));
    ParallelFor(threads, kBuckets, [&](size_t lane, size_t b) {
      sorters[lane].Sort(endpoints_.data() + bucket_begin[b], endpoints_.data() + bucket_begin[b + 1]);
    });
  }

  // Sorts one bucket of endpoints stably by time: a counting sort on the time bits just below
  // the bucket's own range (about one sub-bucket per endpoint, in cache), then each sub-bucket
  // by insertion (std::stable_sort for a crowded one). Cheaper than std::stable_sort, whose
  // merge passes cost ~4% of a check.
  struct BucketSorter {
    std::vector<Endpoint> scratch;
    std::vector<uint32_t> at;

    static void Insertion(Endpoint* begin, Endpoint* end) {
      for (Endpoint* i = begin + 1; i < end; ++i) {
        Endpoint x = *i;
        Endpoint* j = i;
        for (; j > begin && j[-1].time > x.time; --j) *j = j[-1];
        *j = x;
      }
    }
    static void Small(Endpoint* begin, Endpoint* end) {
      if (end - begin <= 32) {
        Insertion(begin, end);
      } else {
        std::stable_sort(begin, end, [](const Endpoint& x, const Endpoint& y) { return x.time < y.time; });
      }
    }

    void Sort(Endpoint* begin, Endpoint* end) {
      const size_t n = static_cast<size_t>(end - begin);
      if (n <= 32) return Insertion(begin, end);
      int64_t lo = begin->time, hi = begin->time;
      for (const Endpoint* e = begin; e < end; ++e) lo = std::min(lo, e->time), hi = std::max(hi, e->time);
      const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
      const int bits = static_cast<int>(std::bit_width(n));
      const int shift = std::max(0, static_cast<int>(std::bit_width(range)) - bits);
      const size_t subs = static_cast<size_t>(range >> shift) + 1;
      auto sub = [&](const Endpoint& e) {
        return (static_cast<uint64_t>(e.time) - static_cast<uint64_t>(lo)) >> shift;
      };
      at.assign(subs + 1, 0);
      for (const Endpoint* e = begin; e < end; ++e) ++at[sub(*e) + 1];
      for (size_t i = 0; i < subs; ++i) at[i + 1] += at[i];
      scratch.resize(n);
      for (const Endpoint* e = begin; e < end; ++e) scratch[at[sub(*e)]++] = *e;  // stable
      std::copy(scratch.begin(), scratch.end(), begin);
      // at[i] is now where sub-bucket i ends.
      for (size_t i = 0, from = 0; i < subs; from = at[i++]) {
        if (at[i] - from > 1) Small(begin + from, begin + at[i]);
      }
    }
  };

  // P_k for every key; built on the first stale-or-phantom decision, which only bad
  // histories need.
  void BuildPresent() {
    present_off_.assign(real_keys_ + 1, 0);
    std::vector<Span> present;
    for (uint32_t k = 0; k < real_keys_; ++k) {
      for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
        const Write& w = writes_[i];
        if (IsStore(w)) present.push_back(Span{w.call, w.until});
      }
      AppendUnion(present, &present_);
      present_off_[k + 1] = present_.size();
    }
  }

  // Orders times like `<` does (all finite times are op calls or returns) as small unsigned
  // numbers, so that the endpoint buckets need few bits.
  uint64_t TimeKey(int64_t t) const {
    if (t == kNegInf) return 0;
    if (t == kPosInf) return std::numeric_limits<uint64_t>::max();
    return static_cast<uint64_t>(t) - static_cast<uint64_t>(t_min_) + 1;
  }

  const Span* AbsentBegin(uint32_t k) const { return absent_.data() + absent_off_[k]; }
  const Span* AbsentEnd(uint32_t k) const { return absent_.data() + absent_off_[k + 1]; }
  bool AbsentMeets(uint32_t k, int64_t lo, int64_t hi) const { return Meets(AbsentBegin(k), AbsentEnd(k), lo, hi); }
  bool PresentMeets(uint32_t k, int64_t lo, int64_t hi) {
    std::call_once(ix_.present_once, [this] { BuildPresent(); });
    return Meets(present_.data() + present_off_[k], present_.data() + present_off_[k + 1], lo, hi);
  }

  // How many keys must be seen by an iteration [c, r] (A_k does not meet the window), for
  // iterations in order of call: all written keys, less those whose A_k contains c (spans
  // with lo <= c, less those with hi < c: counted by a sweep over the endpoints as c grows),
  // less those with c outside A_k and a span starting in (c, r] (a walk over the endpoints
  // inside the window).
  uint32_t MustSee(int64_t c, int64_t r, uint32_t n) {
    const size_t n_end = endpoints_.size();
    while (sweep_le_ < n_end && endpoints_[sweep_le_].time <= c) {
      los_le_ += (endpoints_[sweep_le_].span_end & 1) == 0;
      ++sweep_le_;
    }
    while (sweep_lt_ < n_end && endpoints_[sweep_lt_].time < c) {
      his_lt_ += endpoints_[sweep_lt_].span_end & 1;
      ++sweep_lt_;
    }
    uint64_t meets = spans_from_neg_inf_ + los_le_ - his_lt_;
    for (size_t e = sweep_le_; e < n_end && endpoints_[e].time <= r; ++e) {
      const Endpoint& ep = endpoints_[e];
      if ((ep.span_end & 1) != 0 || must_stamp_[ep.key] == n) continue;
      must_stamp_[ep.key] = n;  // its first span starting in (c, r]
      uint32_t rel = ep.span_end >> 1;
      bool contains_c = rel > 0 && absent_[absent_off_[ep.key] + rel - 1].hi >= c;
      meets += !contains_c;
    }
    return static_cast<uint32_t>(real_keys_ - meets);
  }

  // ---- examples ----

  // An example waiting to be kept; `order` >> 20 is the op index of its iteration or load.
  struct Pending {
    int64_t call;
    uint64_t order;
    Example example;
  };
  static constexpr uint64_t kAnyKey = ~uint64_t{0};                  // Wants() before the key is known
  static constexpr uint64_t kMissingScanBudget = uint64_t{1} << 25;  // per history, shared out by chunks

  // The examples of one kind waiting to be kept, by time, with how many of them name each key
  // and each iteration/load, and the last one that repeats an earlier one's key or iteration.
  // Wants() runs for every anomaly found (a broken map: every key of every iteration), so it
  // must cost O(1), not a walk over up to 1,000 kept examples.
  struct PendingList {
    std::vector<Pending> list;
    std::unordered_map<uint64_t, uint32_t> keys;      // example key -> kept examples naming it
    std::unordered_map<uint64_t, uint32_t> subjects;  // order >> 20 -> kept examples about it
    ptrdiff_t last_repeat = -1;                       // kept up to date once the list is full (only then read)

    // Whether no kept example shares the key (unless kAnyKey) or the iteration/load.
    bool Novel(uint64_t key, uint64_t order) const {
      return (key == kAnyKey || !keys.contains(key)) && !subjects.contains(order >> 20);
    }
    void Count(const Pending& p, int by) {
      if ((keys[p.example.key] += by) == 0) keys.erase(p.example.key);
      if ((subjects[p.order >> 20] += by) == 0) subjects.erase(p.order >> 20);
    }
    void FindLastRepeat() {
      std::unordered_set<uint64_t> seen_keys, seen_subjects;
      last_repeat = -1;
      for (size_t i = 0; i < list.size(); ++i) {
        uint64_t key = list[i].example.key, subject = list[i].order >> 20;
        if ((key != kAnyKey && seen_keys.contains(key)) || seen_subjects.contains(subject)) {
          last_repeat = static_cast<ptrdiff_t>(i);
        }
        seen_keys.insert(key);
        seen_subjects.insert(subject);
      }
    }
  };

  // Whether an example of `kind` for `key` at `order` would be kept: while the list is not
  // full, every one; then one with a new key and a new iteration, in place of a repeat.
  bool Wants(Anomaly kind, uint64_t key, uint64_t order) const {
    if (options_.max_examples == 0) return false;
    const PendingList& pl = pending_[static_cast<int>(kind)];
    if (pl.list.size() < options_.max_examples) return true;
    return pl.last_repeat >= 0 && pl.Novel(key, order);
  }

  void Offer(int64_t call, uint64_t order, Example example) {
    PendingList& pl = pending_[static_cast<int>(example.kind)];
    auto& list = pl.list;
    if (list.size() >= options_.max_examples) {
      if (pl.last_repeat < 0 || !pl.Novel(example.key, order)) return;
      pl.Count(list[pl.last_repeat], -1);
      list.erase(list.begin() + pl.last_repeat);
    }
    Pending p{call, order, std::move(example)};
    pl.Count(p, +1);
    auto pos = std::upper_bound(list.begin(), list.end(), p, [](const Pending& a, const Pending& b) {
      return std::tie(a.call, a.order) < std::tie(b.call, b.order);
    });
    list.insert(pos, std::move(p));
    if (list.size() >= options_.max_examples) pl.FindLastRepeat();  // read only once full
  }

  // A new example of `kind` about `key`, judged against op `subject` (iteration #n, or a load: n = 0).
  Example NewExample(Anomaly kind, uint64_t key, uint32_t subject, uint64_t n) const {
    Example ex;
    ex.kind = kind;
    ex.key = key;
    ex.trial = h_.trial;
    ex.iteration = n;
    ex.window = TimeSpan{h_.ops[subject].call, h_.ops[subject].ret};
    ex.ops.push_back(OpWitness(subject, WitnessRole::kSubject));
    return ex;
  }

  // The text lines of the witnesses, and when the key could be present or absent around them.
  void Complete(Example* ex) const {
    ex->witnesses.clear();
    ex->view = ex->window;
    for (const WitnessOp& op : ex->ops) {
      ex->witnesses.push_back(WitnessText(op));
      auto widen = [&](int64_t t) {
        if (t == kNegInf || t == kPosInf) return;
        ex->view.lo = std::min(ex->view.lo, t);
        ex->view.hi = std::max(ex->view.hi, t);
      };
      widen(op.call);
      widen(op.ret);
      if (op.has_effect) {
        widen(op.effect.lo);
        widen(op.effect.hi);
      }
    }
    uint32_t k = key_map_.Find(ex->key);
    if (k == kNone || k >= real_keys_) return;
    std::vector<Span> present, absent;
    for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
      const Write& w = writes_[i];
      if (w.call > ex->view.hi || w.until < ex->view.lo) continue;
      (IsStore(w) ? present : absent).push_back(Span{std::max(w.call, ex->view.lo), std::min(w.until, ex->view.hi)});
    }
    std::vector<Span> merged;
    for (auto [in, out] : {std::pair{&present, &ex->present}, std::pair{&absent, &ex->absent}}) {
      std::sort(in->begin(), in->end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
      merged.clear();
      AppendUnion(*in, &merged);
      for (const Span& sp : merged) out->push_back(TimeSpan{sp.lo, sp.hi});
    }
  }

  void FinishExamples() {
    std::vector<Pending> all;
    for (PendingList& pl : pending_) {
      for (auto& p : pl.list) all.push_back(std::move(p));
    }
    std::stable_sort(all.begin(), all.end(), [](const Pending& a, const Pending& b) {
      return std::tie(a.call, a.order) < std::tie(b.call, b.order);
    });
    for (auto& p : all) {
      Complete(&p.example);
      result_.examples.push_back(std::move(p.example));
    }
  }

  // Times in the history's own nanoseconds, so a witness can be found in the file with grep.
  static std::string Time(int64_t t) { return HistoryTimeText(t); }

  static std::string Window(int64_t lo, int64_t hi) { return fmt::format("[{}..{}]", Time(lo), Time(hi)); }

  WitnessOp OpWitness(uint32_t i, WitnessRole role) const {
    const Op& op = h_.ops[i];
    WitnessOp w;
    w.role = role;
    w.thread = h_.ThreadName(op.thread);
    w.op = op.kind;
    w.key = op.kind == OpKind::kIterate ? 0 : op.key;
    w.value = op.kind == OpKind::kStore || (op.kind == OpKind::kLoad && op.found) ? op.value : 0;
    w.found = (op.kind == OpKind::kLoad || op.kind == OpKind::kErase) && op.found;
    w.entries = op.kind == OpKind::kIterate ? op.entry_count : 0;
    w.call = op.call;
    w.ret = op.ret;
    return w;
  }

  // A write with the interval in which it could be in effect.
  WitnessOp WriteWitness(const Write& w, WitnessRole role) const {
    WitnessOp out;
    if (OpIndex(w) != kInitialOp) {
      out = OpWitness(OpIndex(w), role);
    } else {
      out.role = role;
      out.initial = true;
      out.op = IsStore(w) ? OpKind::kStore : OpKind::kErase;
      out.key = keys_[w.key];
      out.value = IsStore(w) ? h_.initial[prefill_[w.key]].value : 0;
      out.call = out.ret = kNegInf;
    }
    out.has_effect = true;
    out.effect = TimeSpan{w.call, w.until};
    return out;
  }

  // The reader (op index of a load or an iteration) that returned store op i's value before the
  // store returned, or kNone.
  uint32_t SeenReader(uint32_t i) const {
    const auto& seen = ix_.seen_by;
    auto at = std::lower_bound(seen.begin(), seen.end(), i, [](const SeenBy& s, uint32_t v) { return s.store < v; });
    return at != seen.end() && at->store == i ? at->reader : kNone;
  }

  // When write op i took effect by: its return, or the return of a reader that saw its value first.
  int64_t EffectiveRet(uint32_t i) const {
    const uint32_t reader = h_.ops[i].kind == OpKind::kStore ? SeenReader(i) : kNone;
    return reader == kNone ? h_.ops[i].ret : h_.ops[reader].ret;
  }
  int64_t EffectiveRet(const Write& w) const { return OpIndex(w) == kInitialOp ? kNegInf : EffectiveRet(OpIndex(w)); }

  // "the load by reader-1 [..] had returned" or "the iteration by iterator-1 [..] had visited"
  // (the reader goes to the witnesses).
  std::string ReaderText(uint32_t reader, std::vector<WitnessOp>* witnesses) const {
    witnesses->push_back(OpWitness(reader, WitnessRole::kOther));
    const Op& r = h_.ops[reader];
    const bool load = r.kind == OpKind::kLoad;
    return fmt::format("the {} by {} {} had {}", load ? "load" : "iteration", h_.ThreadName(r.thread),
                       Window(r.call, r.ret), load ? "returned" : "visited");
  }

  // Why key k could no longer be absent after t, a store's EffectiveRet: "(a store returned
  // then)", or, when a reader saw the store's value before the store returned, that reader.
  std::string StoreDoneText(uint32_t k, int64_t t, std::vector<WitnessOp>* witnesses) const {
    uint32_t seen = kNone;  // the store whose value a reader had seen by t
    for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
      const Write& o = writes_[i];
      if (!IsStore(o) || OpIndex(o) == kInitialOp || EffectiveRet(o) != t) continue;
      if (h_.ops[OpIndex(o)].ret == t) return "(a store returned then)";
      seen = OpIndex(o);
    }
    if (seen == kNone) return "(a store returned then)";
    return fmt::format("({} the value of the store by {} then)", ReaderText(SeenReader(seen), witnesses),
                       h_.ThreadName(h_.ops[seen].thread));
  }

  // "the load by reader-1 [..] had returned its value" when store w took effect by a reader's
  // return, before its own, else "".
  std::string SeenText(const Write& w, std::vector<WitnessOp>* witnesses) const {
    const uint32_t reader = OpIndex(w) == kInitialOp || !IsStore(w) ? kNone : SeenReader(OpIndex(w));
    return reader == kNone ? "" : ReaderText(reader, witnesses) + " its value";
  }

  // The write whose return (or a reader's of its value: EffectiveRet) ends w's possible interval
  // (called after w took effect), or null.
  // The key's writes are in call order, and such a write was called in (ret, w.until] (its own
  // effective return, w.until, is not before its call): only those are looked at.
  const Write* Superseder(const Write& w) const {
    if (w.until == kPosInf) return nullptr;
    const int64_t ret = EffectiveRet(w);
    const Write* begin = writes_.data() + offsets_[w.key];
    const Write* end = writes_.data() + offsets_[w.key + 1];
    const Write* o = std::upper_bound(begin, end, ret, [](int64_t t, const Write& x) { return t < x.call; });
    for (; o != end && o->call <= w.until; ++o) {
      if (OpIndex(*o) != kInitialOp && EffectiveRet(*o) == w.until) return o;
    }
    return nullptr;
  }

  // "value 0x.. (stored by ..., returned ..) can be in effect only during [a..b]".
  std::string WriteStory(const Write& w, std::vector<WitnessOp>* witnesses) const {
    witnesses->push_back(WriteWitness(w, WitnessRole::kWrite));
    std::string story =
        fmt::format("{} could be in effect only during {}",
                    OpIndex(w) == kInitialOp ? "the initial state" : "that write", Window(w.call, w.until));
    std::string own = SeenText(w, witnesses);  // it took effect before its own return
    if (!own.empty()) own = fmt::format("it took effect by {}: {}", Time(EffectiveRet(w)), own);
    if (const Write* s = Superseder(w)) {
      witnesses->push_back(WriteWitness(*s, WitnessRole::kSuperseder));
      const std::string seen = SeenText(*s, witnesses);
      story += fmt::format(" ({}superseded by {} {} of key {}, called {} and {})", own.empty() ? "" : own + "; ",
                           h_.ThreadName(h_.ops[OpIndex(*s)].thread), IsStore(*s) ? "store" : "erase", keys_[w.key],
                           Time(s->call),
                           seen.empty() ? "returned " + Time(EffectiveRet(*s))
                                        : fmt::format("in effect by {}: {}", Time(EffectiveRet(*s)), seen));
    } else if (!own.empty()) {
      story += " (" + own + ")";
    }
    return story;
  }

  std::string IterLabel(uint64_t n, const Op& it) const {
    return fmt::format("iteration #{} by {} {}", n, h_.ThreadName(it.thread), Window(it.call, it.ret));
  }

  std::string SpanList(const std::vector<Span>& spans) const {
    std::string out;
    for (size_t i = 0; i < spans.size() && i < 3; ++i) {
      if (i) out += ", ";
      out += Window(spans[i].lo, spans[i].hi);
    }
    if (spans.size() > 3) out += ", ...";
    return out.empty() ? "never" : out;
  }

  // Store w of key k, as the one in effect: "prefilled with value 7" or "stored by writer-1 (value
  // 7, returned <time>)".
  std::string InEffectStory(uint32_t k, const Write& w) const {
    if (OpIndex(w) == kInitialOp) return fmt::format("prefilled with value {}", h_.initial[prefill_[k]].value);
    const Op& op = h_.ops[OpIndex(w)];
    return fmt::format("stored by {} (value {}, returned {})", h_.ThreadName(op.thread), op.value, Time(op.ret));
  }

  // Why key k must be present throughout [c, r]: the gap of A_k around the window.
  std::string MustSeeStory(uint32_t k, int64_t c, int64_t r, const char* during,
                           std::vector<WitnessOp>* witnesses) const {
    int64_t lo = kNegInf, hi = kPosInf;
    for (const Span* s = AbsentBegin(k); s != AbsentEnd(k); ++s) {
      if (s->hi < c) lo = s->hi;
      if (s->lo > r) {
        hi = s->lo;
        break;
      }
    }
    std::string story;
    // The store in effect: the latest-called store whose possible interval meets the window.
    for (uint64_t i = offsets_[k + 1]; i-- > offsets_[k];) {
      const Write& w = writes_[i];
      if (IsStore(w) && w.call <= r && w.until >= c) {
        witnesses->push_back(WriteWitness(w, WitnessRole::kWrite));
        story = InEffectStory(k, w);
        break;
      }
    }
    if (lo != kNegInf)
      story += fmt::format("; it could no longer be absent after {} {}", Time(lo), StoreDoneText(k, lo, witnesses));
    if (hi == kPosInf) {
      story += fmt::format(" and no erase of {} could take effect during {} (none called later)", keys_[k], during);
    } else {
      story += fmt::format(" and no erase of {} could take effect during {} (next erase called {})", keys_[k], during,
                           Time(hi));
      for (uint64_t i = offsets_[k]; i < offsets_[k + 1]; ++i) {
        if (!IsStore(writes_[i]) && writes_[i].call == hi) {
          witnesses->push_back(WriteWitness(writes_[i], WitnessRole::kErase));
          break;
        }
      }
    }
    return story;
  }

  // ---- checking ----

  // ---- chunks and lanes ----

  // What one chunk (a stretch of iterations by call, or of ops for the loads) found.
  struct Part {
    CheckResult result;
    std::array<PendingList, kAnomalyCount> pending;
    std::array<TallyList, kAnomalyCount> tally;
  };

  // Checks the iterations and loads in chunks of about options_.chunk_events events, on up to
  // options_.threads lanes, and merges the chunks' findings in chunk order. The chunks do not
  // depend on the thread count, and a chunk's findings depend only on the chunk, so neither do
  // the results.
  void CheckAll() {
    std::sort(iterations_.begin(), iterations_.end(),
              [&](uint32_t a, uint32_t b) { return std::tie(h_.ops[a].call, a) < std::tie(h_.ops[b].call, b); });
    const uint64_t chunk = std::max<uint64_t>(options_.chunk_events, 1);
    std::vector<size_t> it_begin;  // first iteration (by call) of each iteration chunk
    uint64_t weight = chunk;
    for (size_t n = 0; n < iterations_.size(); ++n) {
      if (weight >= chunk) it_begin.push_back(n), weight = 0;
      weight += 1 + h_.ops[iterations_[n]].entry_count;
    }
    const size_t it_chunks = it_begin.size();
    it_begin.push_back(iterations_.size());
    constexpr uint64_t kLoadBlock = 1024;
    const uint64_t load_chunk = (chunk + kLoadBlock - 1) / kLoadBlock * kLoadBlock;
    const size_t load_chunks = (h_.ops.size() + load_chunk - 1) / load_chunk;
    BuildSweepBlocks();
    std::vector<Part> parts(it_chunks + load_chunks);
    const size_t threads = std::max<size_t>(options_.threads, 1);
    std::vector<std::unique_ptr<Checker>> lanes(threads);
    ParallelFor(threads, parts.size(), [&](size_t lane, size_t task) {
      if (!lanes[lane]) {
        lanes[lane] = std::make_unique<Checker>(h_, options_, ix_);
        lanes[lane]->StartLane();
      }
      Checker& c = *lanes[lane];
      if (task < it_chunks) {
        const size_t from = it_begin[task], to = it_begin[task + 1];
        c.missing_budget_ = kMissingScanBudget * (to - from) / iterations_.size() + 1;
        c.SetSweep(SweepAt(h_.ops[iterations_[from]].call));
        for (size_t n = from; n < to; ++n) {
          const Op& it = h_.ops[iterations_[n]];
          const auto number = static_cast<uint32_t>(n + 1);
          c.CheckIteration(iterations_[n], number, c.MustSee(it.call, it.ret, number));
        }
      } else {
        const uint64_t from = (task - it_chunks) * load_chunk;
        c.CheckLoads(from, std::min<uint64_t>(h_.ops.size(), from + load_chunk));
      }
      c.TakePart(&parts[task]);
    });
    lanes.clear();
    for (Part& part : parts) AddPart(part);
  }

  void StartLane() {
    must_stamp_.assign(real_keys_, 0);
    state_.assign(real_keys_, KeyState{});
    candidate_stamp_.assign(real_keys_, 0);
    ResetCursors();
  }

  void SetSweep(const Sweep& s) {
    sweep_le_ = s.le;
    sweep_lt_ = s.lt;
    los_le_ = s.los_le;
    his_lt_ = s.his_lt;
  }

  // The span ends among the endpoints before each block of kSweepBlock, so that SweepAt
  // needs one binary search and a walk within a block.
  void BuildSweepBlocks() {
    const size_t blocks = (endpoints_.size() + kSweepBlock - 1) / kSweepBlock;
    ix_.hi_before.assign(blocks + 1, 0);
    ParallelFor(std::max<size_t>(options_.threads, 1), blocks, [&](size_t, size_t b) {
      uint64_t his = 0;
      for (size_t e = b * kSweepBlock, end = std::min(endpoints_.size(), e + kSweepBlock); e < end; ++e) {
        his += endpoints_[e].span_end & 1;
      }
      ix_.hi_before[b + 1] = his;
    });
    for (size_t b = 0; b < blocks; ++b) ix_.hi_before[b + 1] += ix_.hi_before[b];
  }

  // Span ends among endpoints_[0, pos).
  uint64_t HisBefore(size_t pos) const {
    size_t b = pos / kSweepBlock;
    uint64_t his = ix_.hi_before[b];
    for (size_t e = b * kSweepBlock; e < pos; ++e) his += endpoints_[e].span_end & 1;
    return his;
  }

  // The must-see sweep as it stands for an iteration called at c.
  Sweep SweepAt(int64_t c) const {
    Sweep s;
    auto at = [&](auto pred) {
      return static_cast<size_t>(std::partition_point(endpoints_.begin(), endpoints_.end(), pred) - endpoints_.begin());
    };
    s.le = at([c](const Endpoint& e) { return e.time <= c; });
    s.lt = at([c](const Endpoint& e) { return e.time < c; });
    s.los_le = s.le - HisBefore(s.le);
    s.his_lt = HisBefore(s.lt);
    return s;
  }

  // Hands this chunk's findings over and starts the next chunk afresh.
  void TakePart(Part* part) {
    part->result = std::move(result_);
    part->pending = std::move(pending_);
    part->tally = std::move(tally_);
    result_ = CheckResult{};
    result_.first_anomaly_ns = -1;
    for (PendingList& pl : pending_) pl = PendingList{};
    for (auto& t : tally_) t = TallyList{};
    missing_scanned_ = 0;
  }

  // Adds one chunk's findings to this (the merging) checker's.
  void AddPart(Part& part) {
    const CheckResult& r = part.result;
    result_.iterations += r.iterations;
    result_.snapshot += r.snapshot;
    result_.weak += r.weak;
    result_.anomalous += r.anomalous;
    result_.loads += r.loads;
    result_.erases += r.erases;
    result_.key_wrong += r.key_wrong;
    result_.key_total += r.key_total;
    result_.events += r.events;
    if (r.first_anomaly_ns >= 0) NoteFirstAnomaly(r.first_anomaly_ns);
    for (int i = 0; i < kAnomalyCount; ++i) {
      result_.anomalies[i] += r.anomalies[i];
      result_.iterations_with[i] += r.iterations_with[i];
      result_.loads_with[i] += r.loads_with[i];
      result_.erases_with[i] += r.erases_with[i];
      result_.tallies[i].occasions += r.tallies[i].occasions;
      result_.tallies[i].partial = result_.tallies[i].partial || r.tallies[i].partial;
      for (const TallyEntry& e : part.tally[i].list) TallyKeys(static_cast<Anomaly>(i), e.key, e.occasions, e.last);
      for (Pending& p : part.pending[i].list) Offer(p.call, p.order, std::move(p.example));
    }
  }

  uint32_t WriteOfValue(uint64_t value) const { return value_index_.Find(value); }

  // What checking needs per key, in one cache line: the value the key was last visited
  // with and its write (wi == kNone: none; in a slowly changing map most entries repeat
  // what the previous iteration saw), the last iteration that visited it, and (for keys
  // with writes) a cursor: the first span of A_k that ends at or after the last queried
  // time, with copies of what the next query needs.
  struct alignas(64) KeyState {
    uint64_t value = 0;
    int64_t call = 0;
    int64_t until = 0;
    uint32_t wi = kNone;
    uint32_t stamp = 0;  // iteration number that last visited the key
    int64_t lo = 0;      // of span idx (when idx < end)
    int64_t hi = 0;
    int64_t prev_hi = 0;  // of span idx - 1 (when idx > begin)
    uint64_t idx = 0;
  };
  static_assert(sizeof(KeyState) == 64);

  void ResetCursors() {
    if (state_.size() < real_keys_) state_.resize(real_keys_);
    for (uint32_t k = 0; k < real_keys_; ++k) {
      state_[k].idx = absent_off_[k];
      LoadCursor(k);
    }
  }

  void LoadCursor(uint32_t k) {
    KeyState& cur = state_[k];
    cur.lo = cur.hi = kPosInf;  // past the end
    cur.prev_hi = kNegInf;      // at the beginning
    if (cur.idx < absent_off_[k + 1]) {
      cur.lo = absent_[cur.idx].lo;
      cur.hi = absent_[cur.idx].hi;
      __builtin_prefetch(&absent_[cur.idx] + 1);  // where the cursor goes next
    }
    if (cur.idx > absent_off_[k]) cur.prev_hi = absent_[cur.idx - 1].hi;
  }

  // AbsentMeets(k, c, r), fast when c is close to the previous query's: the cursor walks a
  // few spans, else binary search (queries come roughly in time order). The usual case, the
  // cursor already in place, needs only the key's state (the infinite stand-ins for "past the
  // end" and "at the beginning" are exact for finite c and r; other queries take the long way).
  bool AbsentMeetsNear(uint32_t k, int64_t c, int64_t r) {
    const KeyState& cur = state_[k];
    if (c != kNegInf && r != kPosInf && cur.hi >= c && cur.prev_hi < c) [[likely]] {
      return cur.lo <= r;
    }
    return MoveCursor(k, c, r);
  }

  // Hints the CPU to fetch the span a query at c will move the key's cursor to (the usual
  // move is one span forward; without the hint it is a cache miss on the query's path).
  // Always inlined: GCC deems a function that only prefetches pure and drops calls to it.
  [[gnu::always_inline]] void PrefetchCursorMove(const KeyState& cur, int64_t c) const {
    if (cur.hi < c && cur.idx + 1 < absent_.size()) {
      __builtin_prefetch(absent_.data() + cur.idx + 1);
    } else if (cur.prev_hi >= c && cur.idx >= 2) {
      __builtin_prefetch(absent_.data() + cur.idx - 2);
    }
  }

  [[gnu::noinline]] bool MoveCursor(uint32_t k, int64_t c, int64_t r) {
    constexpr int kMaxWalk = 8;
    KeyState& cur = state_[k];
    const uint64_t begin = absent_off_[k], end = absent_off_[k + 1];
    uint64_t idx = cur.idx;
    int walked = 0;
    if (idx < end && cur.hi < c) {
      do {
        ++idx;
      } while (idx < end && absent_[idx].hi < c && ++walked < kMaxWalk);
    } else if (idx > begin && cur.prev_hi >= c) {
      do {
        --idx;
      } while (idx > begin && absent_[idx - 1].hi >= c && ++walked < kMaxWalk);
    } else {
      return idx < end && cur.lo <= r;
    }
    if (walked == kMaxWalk) {
      idx = std::lower_bound(absent_.begin() + begin, absent_.begin() + end, c,
                             [](const Span& s, int64_t t) { return s.hi < t; }) -
            absent_.begin();
    }
    cur.idx = idx;
    LoadCursor(k);
    return idx < end && cur.lo <= r;
  }

  void CheckIteration(uint32_t op_index, uint32_t n, uint32_t must_see) {
    // The shared index through locals: a reference member costs a load on every use in a hot loop.
    const FlatMap& key_map_ = Checker::key_map_;
    const ValueIndex& value_index_ = Checker::value_index_;
    const Write* const writes_ = Checker::writes_.data();
    const Op& it = h_.ops[op_index];
    const int64_t c = it.call, r = it.ret;
    uint64_t first = std::min<uint64_t>(it.first_entry, h_.entries.size());
    uint64_t count = std::min<uint64_t>(it.entry_count, h_.entries.size() - first);
    const Entry* entries = h_.entries.data() + first;
    ++result_.iterations;
    result_.events += count;

    std::array<uint64_t, kAnomalyCount> found{};
    uint32_t seen_must = 0;
    int64_t lo = c, hi = r;  // instants allowed by the visited entries
    uint32_t lo_write = kNone, hi_write = kNone;
    uint64_t seq = 0;
    // Software pipeline over the entries, kStep apart: prefetch the key's slot; find the
    // key and prefetch its state; try its last seen value, else prefetch the value's index
    // cell (and the span the key's cursor moves to); find the value's write and prefetch it; use it.
    constexpr int64_t kStep = 6;
    constexpr int64_t kRing = 32;  // > 4 * kStep, a power of two
    struct Stage {
      uint32_t k;
      uint32_t wi;
      bool hit;
    };
    Stage ring[kRing];
    auto slot = [&](int64_t e) -> Stage& { return ring[e & (kRing - 1)]; };
    const int64_t total = static_cast<int64_t>(count);
    for (int64_t e = -4 * kStep; e < total; ++e) {
      if (e + 4 * kStep < total) key_map_.Prefetch(entries[e + 4 * kStep].key);
      if (int64_t b = e + 3 * kStep; b >= 0 && b < total) {
        Stage& st = slot(b);
        st.k = key_map_.Find(entries[b].key);
        if (st.k != kNone) __builtin_prefetch(&state_[st.k]);
      }
      if (int64_t b = e + 2 * kStep; b >= 0 && b < total) {
        Stage& st = slot(b);
        st.hit = st.k != kNone && state_[st.k].wi != kNone && state_[st.k].value == entries[b].value;
        if (!st.hit) value_index_.Prefetch(entries[b].value);
        if (st.k != kNone) PrefetchCursorMove(state_[st.k], c);
      }
      if (int64_t b = e + kStep; b >= 0 && b < total) {
        Stage& st = slot(b);
        st.wi = kNone;
        if (!st.hit) {
          st.wi = value_index_.Find(entries[b].value);
          if (st.wi != kNone) __builtin_prefetch(&writes_[st.wi]);
        }
      }
      if (e < 0) continue;
      const Entry& entry = entries[e];
      const Stage& st = slot(e);
      uint32_t k = st.k;
      uint32_t wi = kNone;
      int64_t w_call = 0, w_until = 0;
      bool known;
      if (st.hit && state_[k].value == entry.value) {  // may have changed on a repeat visit
        const KeyState& ls = state_[k];
        wi = ls.wi;
        w_call = ls.call;
        w_until = ls.until;
        known = true;
      } else {
        wi = st.hit ? value_index_.Find(entry.value) : st.wi;
        const Write* w = wi != kNone ? &writes_[wi] : nullptr;
        known = k != kNone && w != nullptr && w->key == k;
        if (!known && k != kNone && w != nullptr && value_index_.HasOthers()) {  // owned by another key
          wi = value_index_.FindOther(k, entry.value);
          w = wi != kNone ? &writes_[wi] : nullptr;
          known = w != nullptr;
        }
        if (known) {
          w_call = w->call;
          w_until = w->until;
          KeyState& ls = state_[k];
          ls.value = entry.value;
          ls.call = w_call;
          ls.until = w_until;
          ls.wi = wi;
        }
      }
      // A key never written nor prefilled has no state: all its visits are unknown_value.
      bool repeat = k != kNone && state_[k].stamp == n;
      if (!repeat && k != kNone) {
        state_[k].stamp = n;
        if (!AbsentMeetsNear(k, c, r)) ++seen_must;
      }
      Anomaly kind;
      if (!known) {
        kind = Anomaly::kUnknownValue;
      } else {
        if (w_call <= r && w_until >= c) {
          if (!repeat) {
            if (w_call > lo) lo = w_call, lo_write = wi;
            if (w_until < hi) hi = w_until, hi_write = wi;
            continue;
          }
          kind = Anomaly::kDuplicate;
        } else {
          kind = PresentMeets(k, c, r) ? Anomaly::kStaleValue : Anomaly::kPhantom;
        }
      }
      ++found[static_cast<int>(kind)];
      TallyKey(kind, entry.key, op_index);
      if (Wants(kind, entry.key, uint64_t{op_index} << 20 | (seq & 0xfffff))) {
        Offer(c, uint64_t{op_index} << 20 | (seq++ & 0xfffff), EntryExample(kind, n, it, entry, known ? wi : kNone));
      }
    }
    uint64_t missing = must_see - seen_must;
    found[static_cast<int>(Anomaly::kMissing)] = missing;
    if (missing > 0) ExplainMissing(op_index, n, it, missing);
    result_.key_total += count + missing;
    bool bad = false;
    for (int i = 0; i < kAnomalyCount; ++i) {
      result_.anomalies[i] += found[i];
      if (found[i] > 0) {
        bad = true;
        ++result_.iterations_with[i];
        ++result_.tallies[i].occasions;
      }
      if (static_cast<Anomaly>(i) != Anomaly::kStaleRead && static_cast<Anomaly>(i) != Anomaly::kNotSnapshot) {
        result_.key_wrong += found[i];
      }
    }
    if (bad) {
      ++result_.anomalous;
      NoteFirstAnomaly(r);
      return;
    }
    if (IsSnapshot(op_index, n, it, lo, hi, lo_write, hi_write)) {
      ++result_.snapshot;
    } else {
      ++result_.weak;
      ++result_.anomalies[static_cast<int>(Anomaly::kNotSnapshot)];
      ++result_.iterations_with[static_cast<int>(Anomaly::kNotSnapshot)];
      ++result_.tallies[static_cast<int>(Anomaly::kNotSnapshot)].occasions;
    }
  }

  Example EntryExample(Anomaly kind, uint32_t n, const Op& it, const Entry& entry, uint32_t wi) {
    Example ex = NewExample(kind, entry.key, static_cast<uint32_t>(&it - h_.ops.data()), n);
    std::string label = IterLabel(n, it);
    switch (kind) {
      case Anomaly::kUnknownValue: {
        ex.explanation = fmt::format(
            "{} visited key {} with value {}, which no store of key {} "
            "wrote",
            label, entry.key, entry.value, entry.key);
        uint32_t other = WriteOfValue(entry.value);
        if (other != kNone) {
          ex.explanation += fmt::format(" (that value was written to key {})", keys_[writes_[other].key]);
          ex.ops.push_back(WriteWitness(writes_[other], WitnessRole::kOther));
        }
        break;
      }
      case Anomaly::kPhantom: {
        const Write& w = writes_[wi];
        ex.explanation = fmt::format(
            "{} visited key {} (value {}), but no store of key {} could be in effect during the "
            "iteration: {}",
            label, entry.key, entry.value, entry.key, WriteStory(w, &ex.ops));
        break;
      }
      case Anomaly::kStaleValue: {
        const Write& w = writes_[wi];
        std::string why = w.call > it.ret ? "was called after the iteration returned"
                                          : "was superseded before the iteration was called";
        ex.explanation = fmt::format("{} saw key {} = {}, but that write {}: {}", label, entry.key, entry.value, why,
                                     WriteStory(w, &ex.ops));
        break;
      }
      case Anomaly::kDuplicate:
        ex.explanation =
            fmt::format("{} visited key {} more than once (again with value {})", label, entry.key, entry.value);
        break;
      default: break;
    }
    return ex;
  }

  // Finds which keys were missed (O(keys)) for the per-key tally and the examples; once
  // missing_budget_ keys were looked at (this chunk's share of kMissingScanBudget), only while
  // examples are still wanted.
  void ExplainMissing(uint32_t op_index, uint32_t n, const Op& it, uint64_t missing) {
    bool tally = missing_scanned_ < missing_budget_;
    if (!tally) result_.tallies[static_cast<int>(Anomaly::kMissing)].partial = true;
    if (!tally && !Wants(Anomaly::kMissing, kAnyKey, uint64_t{op_index} << 20)) return;
    uint64_t listed = 0;
    for (uint32_t k = 0; k < real_keys_ && listed < missing; ++k) {
      ++missing_scanned_;
      if (state_[k].stamp == n || AbsentMeets(k, it.call, it.ret)) continue;
      uint64_t order = uint64_t{op_index} << 20 | (0x80000 + std::min<uint64_t>(listed++, 0x7ffff));
      if (tally) TallyKey(Anomaly::kMissing, keys_[k], op_index);
      if (!Wants(Anomaly::kMissing, keys_[k], order)) {
        if (!tally) break;
        continue;
      }
      Example ex = NewExample(Anomaly::kMissing, keys_[k], op_index, n);
      std::string story = MustSeeStory(k, it.call, it.ret, "the iteration", &ex.ops);
      ex.explanation = fmt::format("key {} missing from {}: {}", keys_[k], IterLabel(n, it), story);
      Offer(it.call, order, std::move(ex));
    }
  }

  // Counts `key` once per occasion (iteration or load, by op index) for `kind`.
  void TallyKey(Anomaly kind, uint64_t key, uint64_t occasion) { TallyKeys(kind, key, 1, occasion); }

  // Adds `occasions` occasions of `key` for `kind`, the last at op index `last` (a repeat of
  // the last occasion counts nothing).
  void TallyKeys(Anomaly kind, uint64_t key, uint64_t occasions, uint64_t last) {
    TallyList& t = tally_[static_cast<int>(kind)];
    auto it = t.where.find(key);
    if (it == t.where.end()) {
      if (t.list.size() >= AnomalyTally::kMaxKeys) {
        result_.tallies[static_cast<int>(kind)].partial = true;
        return;
      }
      t.where.emplace(key, static_cast<uint32_t>(t.list.size()));
      t.list.push_back(TallyEntry{key, occasions, last});
    } else if (TallyEntry& e = t.list[it->second]; e.last != last) {
      e.occasions += occasions;
      e.last = last;
    }
  }

  void FinishTallies() {
    for (int i = 0; i < kAnomalyCount; ++i) {
      AnomalyTally& t = result_.tallies[i];
      for (const TallyEntry& e : tally_[i].list) t.by_key.emplace(e.key, e.occasions);
      t.Summarize();
    }
  }

  // Whether one instant in [lo, hi] lets every unvisited key be absent.
  bool IsSnapshot(uint32_t op_index, uint32_t n, const Op& it, int64_t lo, int64_t hi, uint32_t lo_write,
                  uint32_t hi_write) {
    const int64_t r = it.ret;
    bool want = Wants(Anomaly::kNotSnapshot, kAnyKey, uint64_t{op_index} << 20);
    if (lo > hi) {
      if (want) ExplainVisitedConflict(op_index, n, it, lo_write, hi_write);
      return false;
    }
    // The first endpoint at or after c: MustSee(c, ...) just swept there (iterations go in
    // call order), so no search over all endpoints.
    auto from = endpoints_.begin() + static_cast<std::ptrdiff_t>(sweep_lt_);
    events_.clear();
    constrained_.clear();
    for (auto e = from; e != endpoints_.end() && e->time <= r; ++e) {
      uint32_t k = e->key;
      if (state_[k].stamp == n || candidate_stamp_[k] == n) continue;
      candidate_stamp_[k] = n;
      uint64_t before = events_.size();
      bool covers = false;
      const Span* s =
          std::lower_bound(AbsentBegin(k), AbsentEnd(k), lo, [](const Span& sp, int64_t t) { return sp.hi < t; });
      for (; s != AbsentEnd(k) && s->lo <= hi; ++s) {
        if (s->lo <= lo && s->hi >= hi) covers = true;
        events_.push_back(SweepEvent{std::max(s->lo, lo), 0});
        events_.push_back(SweepEvent{std::min(s->hi, hi), 1});
      }
      if (covers) {
        events_.resize(before);
        continue;
      }
      constrained_.push_back(k);
      if (events_.size() == before) {  // absent impossible anywhere the visited entries allow
        if (want) ExplainAbsentConflict(op_index, n, it, k, lo, hi, lo_write, hi_write);
        return false;
      }
    }
    if (constrained_.empty()) return true;
    std::sort(events_.begin(), events_.end(), [](const SweepEvent& a, const SweepEvent& b) {
      return std::tie(a.time, a.end) < std::tie(b.time, b.end);
    });
    size_t active = 0;
    for (const SweepEvent& ev : events_) {
      if (ev.end) {
        --active;
      } else if (++active == constrained_.size()) {
        return true;
      }
    }
    if (want) ExplainAbsentSweep(op_index, n, it, lo, hi);
    return false;
  }

  std::string VisitedBound(uint32_t wi, bool upper, std::vector<WitnessOp>* witnesses) const {
    const Write& w = writes_[wi];
    witnesses->push_back(WriteWitness(w, WitnessRole::kWrite));
    if (upper) {
      std::string s = fmt::format(
          "key {} was seen with a value that could be in effect only "
          "until {}",
          keys_[w.key], Time(w.until));
      if (const Write* sup = Superseder(w)) {
        witnesses->push_back(WriteWitness(*sup, WitnessRole::kSuperseder));
        const std::string seen = SeenText(*sup, witnesses);
        s += seen.empty()
                 ? fmt::format(" (overwritten by {} that returned then)", IsStore(*sup) ? "a store" : "an erase")
                 : " (overwritten by a store in effect by then: " + seen + ")";
      }
      return s;
    }
    return fmt::format("key {} was seen with a value stored by a write called at {}", keys_[w.key], Time(w.call));
  }

  void ExplainVisitedConflict(uint32_t op_index, uint32_t n, const Op& it, uint32_t lo_write, uint32_t hi_write) {
    // Offer would drop it (a full list, its key already named): do not build it.
    if (!Wants(Anomaly::kNotSnapshot, keys_[writes_[hi_write].key], uint64_t{op_index} << 20)) return;
    Example ex = NewExample(Anomaly::kNotSnapshot, 0, op_index, n);
    std::string a = VisitedBound(hi_write, true, &ex.ops);
    std::string b = VisitedBound(lo_write, false, &ex.ops);
    ex.key = keys_[writes_[hi_write].key];
    ex.explanation =
        fmt::format("{} is not a snapshot: {}, but {}; no single instant fits both", IterLabel(n, it), a, b);
    Offer(it.call, uint64_t{op_index} << 20, std::move(ex));
  }

  std::string PinnedWindow(int64_t lo, int64_t hi, uint32_t lo_write, uint32_t hi_write,
                           std::vector<WitnessOp>* witnesses) const {
    std::string s = fmt::format("the visited entries pin the instant to {}", Window(lo, hi));
    if (lo_write != kNone) {
      s += fmt::format(" (key {} from {})", keys_[writes_[lo_write].key], Time(lo));
      witnesses->push_back(WriteWitness(writes_[lo_write], WitnessRole::kWrite));
    }
    if (hi_write != kNone) {
      s += fmt::format(" (key {} until {})", keys_[writes_[hi_write].key], Time(hi));
      witnesses->push_back(WriteWitness(writes_[hi_write], WitnessRole::kWrite));
    }
    return s;
  }

  // A_k within [lo, hi] (A_k is sorted and disjoint: the first span ending at or after lo on).
  std::vector<Span> AbsentWithin(uint32_t k, int64_t lo, int64_t hi) const {
    std::vector<Span> out;
    const Span* s =
        std::lower_bound(AbsentBegin(k), AbsentEnd(k), lo, [](const Span& sp, int64_t t) { return sp.hi < t; });
    for (; s != AbsentEnd(k) && s->lo <= hi; ++s) out.push_back(Span{std::max(s->lo, lo), std::min(s->hi, hi)});
    return out;
  }

  void ExplainAbsentConflict(uint32_t op_index, uint32_t n, const Op& it, uint32_t k, int64_t lo, int64_t hi,
                             uint32_t lo_write, uint32_t hi_write) {
    if (!Wants(Anomaly::kNotSnapshot, keys_[k], uint64_t{op_index} << 20)) return;  // as above
    Example ex = NewExample(Anomaly::kNotSnapshot, keys_[k], op_index, n);
    std::string pin = PinnedWindow(lo, hi, lo_write, hi_write, &ex.ops);
    std::string story = MustSeeStory(k, lo, hi, "that span", &ex.ops);
    ex.explanation = fmt::format(
        "{} is not a snapshot: {}, but key {} was not visited although it was present throughout "
        "that span ({}; it could be absent only during {})",
        IterLabel(n, it), pin, keys_[k], story, SpanList(AbsentWithin(k, it.call, it.ret)));
    Offer(it.call, uint64_t{op_index} << 20, std::move(ex));
  }

  void ExplainAbsentSweep(uint32_t op_index, uint32_t n, const Op& it, int64_t lo, int64_t hi) {
    Example ex = NewExample(Anomaly::kNotSnapshot, 0, op_index, n);
    // Prefer a pair of unvisited keys that can never be absent together.
    size_t limit = std::min<size_t>(constrained_.size(), 32);
    for (size_t i = 0; i < limit; ++i) {
      std::vector<Span> a = AbsentWithin(constrained_[i], lo, hi);
      for (size_t j = i + 1; j < limit; ++j) {
        std::vector<Span> b = AbsentWithin(constrained_[j], lo, hi);
        bool overlap = false;
        for (const Span& x : a) {
          for (const Span& y : b) overlap |= x.lo <= y.hi && y.lo <= x.hi;
        }
        if (overlap) continue;
        uint64_t ka = keys_[constrained_[i]], kb = keys_[constrained_[j]];
        ex.key = ka;
        ex.explanation = fmt::format(
            "{} is not a snapshot: it visited neither key {} nor key {}, but within {} key {} "
            "could be absent only during {} and key {} only during {}; at every instant one of "
            "them was present",
            IterLabel(n, it), ka, kb, Window(lo, hi), ka, SpanList(a), kb, SpanList(b));
        for (uint32_t k : {constrained_[i], constrained_[j]}) {
          for (uint64_t w = offsets_[k]; w < offsets_[k + 1] && writes_[w].call <= hi && ex.ops.size() < 8; ++w) {
            if (writes_[w].until >= lo) {  // in call order
              ex.ops.push_back(WriteWitness(writes_[w], WitnessRole::kOther));
            }
          }
        }
        Offer(it.call, uint64_t{op_index} << 20, std::move(ex));
        return;
      }
    }
    ex.explanation = fmt::format(
        "{} is not a snapshot: there is no instant in {} at which all {} unvisited keys that "
        "change during the iteration (e.g. key {}) could be absent together",
        IterLabel(n, it), Window(lo, hi), constrained_.size(), keys_[constrained_[0]]);
    ex.key = keys_[constrained_[0]];
    Offer(it.call, uint64_t{op_index} << 20, std::move(ex));
  }

  // Checks the loads among ops [from, to), from a multiple of the block size.
  void CheckLoads(size_t from, size_t to) {
    // Blocks of ops: list the block's found and not-found loads without branching on the
    // (unpredictable) op kinds, then run each list through a software pipeline, kStep
    // apart: prefetch the value's index cell (or the key's slot); find the write (or the
    // key) and prefetch it (or its state; then the span its cursor moves to); judge the load.
    constexpr size_t kBlock = 1024;
    constexpr size_t kStep = 8;
    // The shared index through locals: a reference member costs a load on every use in a hot loop.
    const FlatMap& key_map_ = Checker::key_map_;
    const ValueIndex& value_index_ = Checker::value_index_;
    const Write* const writes_ = Checker::writes_.data();
    const uint64_t* const keys_ = Checker::keys_.data();
    const uint32_t real_keys_ = Checker::real_keys_;
    const Op* ops = h_.ops.data();
    const size_t n_ops = to;
    std::vector<uint32_t> found(kBlock + 1), absent(kBlock + 1), stage(kBlock);
    for (size_t base = from; base < n_ops; base += kBlock) {
      const size_t end = std::min(n_ops, base + kBlock);
      size_t nf = 0, na = 0, ne = 0;
      for (size_t i = base; i < end; ++i) {
        const bool load = ops[i].kind == OpKind::kLoad;
        found[nf] = static_cast<uint32_t>(i);
        absent[na] = static_cast<uint32_t>(i);
        nf += load & ops[i].found;
        na += load & !ops[i].found;
        ne += (ops[i].kind == OpKind::kErase) & (ops[i].ret != kPosInf);  // an erase with no return has no result
      }
      result_.loads += nf + na;
      result_.erases += ne;
      for (size_t j = 0; j < nf + 2 * kStep; ++j) {
        if (j < nf) value_index_.Prefetch(ops[found[j]].value);
        if (j >= kStep && j - kStep < nf) {
          uint32_t wi = value_index_.Find(ops[found[j - kStep]].value);
          stage[j - kStep] = wi;
          if (wi != kNone) __builtin_prefetch(&writes_[wi]);
        }
        if (j >= 2 * kStep) {
          const size_t i = found[j - 2 * kStep];
          const Op& op = ops[i];
          uint32_t wi = stage[j - 2 * kStep];
          const Write* w = wi != kNone ? &writes_[wi] : nullptr;
          if (w != nullptr && keys_[w->key] != op.key && value_index_.HasOthers()) {  // owned by another key
            const uint32_t k = key_map_.Find(op.key);
            wi = k < real_keys_ ? value_index_.FindOther(k, op.value) : kNone;
            if (wi != kNone) w = &writes_[wi];
          }
          if (w != nullptr && keys_[w->key] == op.key && w->call <= op.ret && w->until >= op.call) continue;
          Anomaly kind = w == nullptr || keys_[w->key] != op.key ? Anomaly::kUnknownValue : Anomaly::kStaleRead;
          PointAnomaly(kind, i, kind == Anomaly::kStaleRead ? wi : kNone);
        }
      }
      for (size_t j = 0; j < na + 3 * kStep; ++j) {
        if (j < na) key_map_.Prefetch(ops[absent[j]].key);
        if (j >= kStep && j - kStep < na) {
          uint32_t k = key_map_.Find(ops[absent[j - kStep]].key);
          stage[j - kStep] = k;
          if (k < real_keys_) __builtin_prefetch(&state_[k]);
        }
        if (j >= 2 * kStep && j - 2 * kStep < na) {
          const uint32_t k = stage[j - 2 * kStep];
          if (k < real_keys_) PrefetchCursorMove(state_[k], ops[absent[j - 2 * kStep]].call);
        }
        if (j >= 3 * kStep) {
          const size_t i = absent[j - 3 * kStep];
          const Op& op = ops[i];
          const uint32_t k = stage[j - 3 * kStep];
          if (k == kNone || k >= real_keys_ || AbsentMeetsNear(k, op.call, op.ret)) continue;
          PointAnomaly(Anomaly::kStaleRead, i, kNone);
        }
      }
    }
    // Erases whose result no write explains (found while the writes were finished).
    const auto& wrong = ix_.wrong_erases;
    for (auto e = std::lower_bound(wrong.begin(), wrong.end(), from); e != wrong.end() && *e < to; ++e) {
      PointAnomaly(Anomaly::kStaleRead, *e, kNone);
    }
  }

  // Why erase i's result cannot be right: what could be in effect during it, besides itself.
  Example EraseExample(size_t i) const {
    const Op& op = h_.ops[i];
    Example ex = NewExample(Anomaly::kStaleRead, op.key, static_cast<uint32_t>(i), 0);
    const uint32_t k = key_map_.Find(op.key);
    std::string label =
        fmt::format("erase of key {} by {} {}", op.key, h_.ThreadName(op.thread), Window(op.call, op.ret));
    // The latest-called store by the erase's return, and the latest end of an absence before it.
    const Write* store = nullptr;
    int64_t absent_until = kNegInf;
    bool store_possible = false;  // some store possible during the erase: the pair rule failed
    for (uint64_t w = offsets_[k]; w < offsets_[k + 1] && writes_[w].call <= op.ret; ++w) {
      if (IsStore(writes_[w])) {
        store = &writes_[w];
        store_possible |= writes_[w].until >= op.call;
      } else if (OpIndex(writes_[w]) != i && writes_[w].call <= op.call) {
        absent_until = std::max(absent_until, writes_[w].until);
      }
    }
    if (op.found && store_possible) {
      ex.explanation = RemovalPairStory(i, k, label, &ex.ops);
    } else if (op.found) {
      ex.explanation = fmt::format(
          "{} reported removing the key, but no store of key {} could be in effect during it: {}", label, op.key,
          store ? WriteStory(*store, &ex.ops) : fmt::format("key {} was neither prefilled nor stored by then", op.key));
    } else {
      std::string story;
      if (store && store->until >= op.call) {
        ex.ops.push_back(WriteWitness(*store, WitnessRole::kWrite));
        story = InEffectStory(k, *store) + "; ";
      }
      if (absent_until != kNegInf) {
        story += fmt::format("it could no longer be absent after {} {}; ", Time(absent_until),
                             StoreDoneText(k, absent_until, &ex.ops));
      }
      story += fmt::format("no other erase of {} could take effect before this one returned", op.key);
      ex.explanation =
          fmt::format("{} reported nothing removed, but the key was present throughout it: {}", label, story);
    }
    return ex;
  }

  // Erase i reported a removal, and so did the removal before it in call order (P), and the
  // pair rule of FinishWrites failed: no store can come between the two, or only one can and no
  // other value could give the first of them its entry.
  std::string RemovalPairStory(size_t i, uint32_t k, const std::string& label, std::vector<WitnessOp>* ops) const {
    const Op& op = h_.ops[i];
    size_t p = kNone;
    for (uint64_t w = offsets_[k] + 1; w < offsets_[k + 1] && OpIndex(writes_[w]) != i; ++w) {
      const Op& o = h_.ops[OpIndex(writes_[w])];
      if (o.kind == OpKind::kErase && o.found && o.ret != kPosInf) p = OpIndex(writes_[w]);
    }
    if (p == kNone) return label + " reported removing the key";  // not reached: the rule needs P
    const Op& prev = h_.ops[p];
    ops->push_back(OpWitness(static_cast<uint32_t>(p), WitnessRole::kOther));
    std::string story = fmt::format("{} reported removing the key, and so did the erase by {} {}, but ", label,
                                    h_.ThreadName(prev.thread), Window(prev.call, prev.ret));
    std::vector<uint32_t> between;  // the stores that can come between the two
    for (uint64_t w = offsets_[k] + 1; w < offsets_[k + 1]; ++w) {
      const Op& s = h_.ops[OpIndex(writes_[w])];
      if (s.kind == OpKind::kStore && StoreCanComeBetween(s.call, EffectiveRet(OpIndex(writes_[w])), prev, op)) {
        between.push_back(OpIndex(writes_[w]));
      }
    }
    if (between.empty()) {
      story += fmt::format(
          "no store of key {} could take effect between the two: none was called by {} and returned at or after {}",
          op.key, Time(op.ret), Time(prev.call));
      if (prev.ret > op.ret) {
        story += fmt::format(", nor called by {} and returned at or after {}", Time(prev.ret), Time(op.call));
      }
      return story;
    }
    const Op& y = h_.ops[between[0]];
    ops->push_back(OpWitness(between[0], WitnessRole::kWrite));
    return story + fmt::format(
                       "only the store by {} {} could take effect between the two, and no other value of key {} could "
                       "still be in effect at {} or later to give the first of them its entry",
                       h_.ThreadName(y.thread), Window(y.call, y.ret), op.key, Time(prev.call));
  }

  void NoteFirstAnomaly(int64_t ret) {
    if (result_.first_anomaly_ns < 0 || ret < result_.first_anomaly_ns) result_.first_anomaly_ns = ret;
  }

  // A load's or an erase's result that no write explains (op i; wi: the write a found load saw).
  void PointAnomaly(Anomaly kind, size_t i, uint32_t wi) {
    const bool erase = h_.ops[i].kind == OpKind::kErase;
    ++result_.anomalies[static_cast<int>(kind)];
    NoteFirstAnomaly(h_.ops[i].ret);
    ++(erase ? result_.erases_with : result_.loads_with)[static_cast<int>(kind)];
    ++result_.tallies[static_cast<int>(kind)].occasions;
    TallyKey(kind, h_.ops[i].key, i);
    uint64_t order = uint64_t{static_cast<uint32_t>(i)} << 20;
    if (Wants(kind, h_.ops[i].key, order)) {
      Offer(h_.ops[i].call, order, erase ? EraseExample(i) : LoadExample(kind, i, wi));
    }
  }

  Example LoadExample(Anomaly kind, size_t i, uint32_t wi) const {
    const Op& op = h_.ops[i];
    Example ex = NewExample(kind, op.key, static_cast<uint32_t>(i), 0);
    std::string label =
        fmt::format("load of key {} by {} {}", op.key, h_.ThreadName(op.thread), Window(op.call, op.ret));
    if (kind == Anomaly::kUnknownValue) {
      ex.explanation = fmt::format("{} returned value {}, which no store of key {} wrote", label, op.value, op.key);
      uint32_t other = WriteOfValue(op.value);
      if (other != kNone) {
        ex.explanation += fmt::format(" (that value was written to key {})", keys_[writes_[other].key]);
        ex.ops.push_back(WriteWitness(writes_[other], WitnessRole::kOther));
      }
    } else if (op.found) {
      ex.explanation = fmt::format("{} returned {}, but {}", label, op.value, WriteStory(writes_[wi], &ex.ops));
    } else {
      uint32_t k = key_map_.Find(op.key);
      ex.explanation = fmt::format(
          "{} returned not-found, but the key was present throughout the "
          "load: {}",
          label, MustSeeStory(k, op.call, op.ret, "the load", &ex.ops));
    }
    return ex;
  }

  struct SweepEvent {
    int64_t time;
    int end;  // 0: start, 1: end; starts first at equal times (closed intervals)
  };

  const History& h_;
  const CheckOptions& options_;
  Index& ix_;
  CheckResult result_;
  // The shared index under the names the code uses.
  int64_t& t_min_ = ix_.t_min;
  uint64_t& t_span_ = ix_.t_span;
  FlatMap& key_map_ = ix_.key_map;
  std::vector<uint64_t>& keys_ = ix_.keys;
  std::vector<uint32_t>& iterations_ = ix_.iterations;
  uint32_t& real_keys_ = ix_.real_keys;
  std::vector<uint32_t>& prefill_ = ix_.prefill;
  std::vector<uint64_t>& offsets_ = ix_.offsets;
  UninitVector<Write>& writes_ = ix_.writes;
  ValueIndex& value_index_ = ix_.value_index;
  UninitVector<Span>& absent_ = ix_.absent;
  std::vector<Span>& present_ = ix_.present;
  std::vector<uint64_t>& absent_off_ = ix_.absent_off;
  std::vector<uint64_t>& present_off_ = ix_.present_off;
  UninitVector<Endpoint>& endpoints_ = ix_.endpoints;
  uint64_t& spans_from_neg_inf_ = ix_.spans_from_neg_inf;
  // This lane's own state: checking one chunk at a time.
  size_t sweep_le_ = 0, sweep_lt_ = 0;  // first endpoint after c, at or after c
  uint64_t los_le_ = 0, his_lt_ = 0;    // span starts up to c, span ends before c
  std::vector<uint32_t> must_stamp_;    // iteration whose must-see walk counted the key
  std::vector<KeyState> state_;         // per key
  std::vector<uint32_t> candidate_stamp_;
  std::vector<SweepEvent> events_;
  std::vector<uint32_t> constrained_;
  std::array<PendingList, kAnomalyCount> pending_;
  std::array<TallyList, kAnomalyCount> tally_;  // per kind
  uint64_t missing_scanned_ = 0;
  uint64_t missing_budget_ = 0;  // keys ExplainMissing may scan for tallies in this chunk
};

}  // namespace

size_t DefaultCheckThreads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

CheckResult Check(const History& history, const CheckOptions& options) {
  Index index;
  return Checker(history, options, index).Run();
}

std::map<uint64_t, std::vector<WriteWindow>> WriteWindows(const History& history, std::optional<uint64_t> only_key) {
  Index index;
  CheckOptions options;
  return Checker(history, options, index).Windows(only_key);
}

}  // namespace mapstress
