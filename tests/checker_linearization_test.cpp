// The checker's rules against the definition they stand for: an observation is an anomaly only
// if no order of the key's writes and the reader that respects real time (A before B whenever
// A returned before B was called) puts the observed write last before the reader. This oracle
// enumerates those orders, with no S(w) or A_k, so it checks the rules of src/check/README.md
// themselves (tests/checker_reference_test.cpp checks the code against those rules).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "check/checker.h"
#include "check/drill_down.h"

namespace mapstress {
namespace {

// Times are doubled so that an instant between two integer times is an integer too.
struct Interval {
  int64_t c2, r2;
};

struct KeyWrites {
  bool prefilled = false;
  uint64_t prefill = 0;
  std::vector<Interval> at;  // stores and erases of the key
  std::vector<bool> store;
  std::vector<uint64_t> value;
  std::vector<const Op*> op;
};

// Visits every state (writes placed so far as a mask, the last one placed or -1) reachable by
// placing the n writes one at a time, each once its predecessors (preds, as masks) are placed
// and `may_place(write, last)` allows it.
template <class MayPlace, class Visit>
void EachState(const std::vector<uint32_t>& preds, MayPlace may_place, Visit visit) {
  std::set<std::pair<uint32_t, int>> seen;
  std::vector<std::pair<uint32_t, int>> todo = {{0u, -1}};
  while (!todo.empty()) {
    auto [mask, last] = todo.back();
    todo.pop_back();
    if (!seen.insert({mask, last}).second) continue;
    visit(mask, last);
    for (int e = 0; e < static_cast<int>(preds.size()); ++e) {
      if ((mask >> e & 1) || (preds[e] & ~mask) != 0 || !may_place(e, last)) continue;
      todo.push_back({mask | 1u << e, e});
    }
  }
}

// Which writes can come last before a reader with interval `reader`, over every order of the
// key's writes (but `skip`, the reader's own write when it is an erase) and the reader that
// extends real-time precedence. Bit i: write i; bit 31: the initial state.
constexpr uint32_t kInitialBit = 1u << 31;
uint32_t LastBefore(const KeyWrites& kw, Interval reader, int skip) {
  const int n = static_cast<int>(kw.at.size());
  auto before = [](Interval a, Interval b) { return a.r2 < b.c2; };
  std::vector<uint32_t> preds(n, 0);
  uint32_t reader_preds = 0;
  for (int e = 0; e < n; ++e) {
    if (e == skip) continue;
    for (int f = 0; f < n; ++f) {
      if (f != e && f != skip && before(kw.at[f], kw.at[e])) preds[e] |= 1u << f;
    }
    if (before(reader, kw.at[e])) preds[e] |= 1u << n;  // the reader must come first
    if (before(kw.at[e], reader)) reader_preds |= 1u << e;
  }
  // The reader goes next wherever its predecessors are all placed; the writes left can always
  // follow it.
  uint32_t result = 0;
  EachState(
      preds, [&](int e, int) { return e != skip; },
      [&](uint32_t mask, int last) {
        if ((reader_preds & ~mask) == 0) result |= last < 0 ? kInitialBit : 1u << last;
      });
  return result;
}

// Whether some order of all the key's writes that extends real-time precedence has the key
// present just before both erases a and b (each preceded by a store, or first after a prefill).
bool BothRemove(const KeyWrites& kw, int a, int b) {
  const int n = static_cast<int>(kw.at.size());
  std::vector<uint32_t> preds(n, 0);
  for (int e = 0; e < n; ++e) {
    for (int f = 0; f < n; ++f) {
      if (f != e && kw.at[f].r2 < kw.at[e].c2) preds[e] |= 1u << f;
    }
  }
  const uint32_t both = 1u << a | 1u << b;
  bool found = false;  // once both are placed, the writes left can always follow
  EachState(
      preds,
      [&](int e, int last) {
        return (e != a && e != b) || (last < 0 ? kw.prefilled : static_cast<bool>(kw.store[last]));
      },
      [&](uint32_t mask, int) { found |= (mask & both) == both; });
  return found;
}

class Oracle {
 public:
  explicit Oracle(const History& h) : h_(h) {
    for (const Entry& e : h.initial) keys_[e.key].prefilled = true, keys_[e.key].prefill = e.value;
    for (const Op& op : h.ops) {
      if (op.kind != OpKind::kStore && op.kind != OpKind::kErase) continue;
      KeyWrites& kw = keys_[op.key];
      kw.at.push_back(Interval{2 * op.call, 2 * op.ret});
      kw.store.push_back(op.kind == OpKind::kStore);
      kw.value.push_back(op.value);
      kw.op.push_back(&op);
    }
    // A load that returned a store's value or an iteration that visited it (not before the
    // store's call) read it after the store, so the store precedes whatever was called after the
    // reader returned: that is its return from now on.
    auto saw = [&](uint64_t key, uint64_t value, int64_t ret) {
      auto it = keys_.find(key);
      if (it == keys_.end()) return;
      KeyWrites& kw = it->second;
      for (size_t i = 0; i < kw.at.size(); ++i) {
        if (kw.store[i] && kw.value[i] == value && 2 * ret >= kw.at[i].c2) kw.at[i].r2 = std::min(kw.at[i].r2, 2 * ret);
      }
    };
    for (const Op& op : h.ops) {
      if (op.kind == OpKind::kLoad && op.found) saw(op.key, op.value, op.ret);
      if (op.kind != OpKind::kIterate) continue;
      for (uint64_t e = op.first_entry; e < op.first_entry + op.entry_count; ++e) {
        saw(h.entries[e].key, h.entries[e].value, op.ret);
      }
    }
  }

  CheckResult Check() const {
    CheckResult r;
    for (const Op& op : h_.ops) {
      switch (op.kind) {
        case OpKind::kIterate: Iteration(op, &r); break;
        case OpKind::kLoad: Load(op, &r); break;
        case OpKind::kErase: Erase(op, &r); break;
        case OpKind::kStore: break;
      }
    }
    return r;
  }

 private:
  // The writes (bits as in LastBefore) that leave `key` present with `value`, or absent.
  uint32_t Producing(const KeyWrites& kw, bool present, uint64_t value) const {
    uint32_t bits = kw.prefilled == present && (!present || kw.prefill == value) ? kInitialBit : 0;
    for (size_t i = 0; i < kw.at.size(); ++i) {
      if (kw.store[i] == present && (!present || kw.value[i] == value)) bits |= 1u << i;
    }
    return bits;
  }
  bool Possible(uint64_t key, bool present, uint64_t value, Interval reader, int skip = -1) const {
    auto it = keys_.find(key);
    if (it == keys_.end()) return !present;  // never written: absent throughout
    return (LastBefore(it->second, reader, skip) & Producing(it->second, present, value)) != 0;
  }
  bool Stored(uint64_t key, uint64_t value) const {
    auto it = keys_.find(key);
    return it != keys_.end() && Producing(it->second, true, value) != 0;
  }

  void Iteration(const Op& it, CheckResult* r) const {
    ++r->iterations;
    const Interval window{2 * it.call, 2 * it.ret};
    uint64_t wrong = 0, duplicates = 0, missing = 0;
    std::map<uint64_t, uint64_t> visited;  // written key -> value
    for (uint64_t e = it.first_entry; e < it.first_entry + it.entry_count; ++e) {
      const Entry& en = h_.entries[e];
      const bool repeat = keys_.count(en.key) != 0 && !visited.emplace(en.key, en.value).second;
      if (!Possible(en.key, true, en.value, window)) {
        ++wrong;  // unknown_value, phantom or stale_value
      } else if (repeat) {
        ++duplicates;
      }
    }
    for (const auto& [key, kw] : keys_) {
      if (!visited.count(key) && !Possible(key, false, 0, window)) ++missing;
    }
    r->key_wrong += wrong + duplicates + missing;
    r->anomalies[static_cast<int>(Anomaly::kDuplicate)] += duplicates;
    r->anomalies[static_cast<int>(Anomaly::kMissing)] += missing;
    if (wrong + duplicates + missing > 0) {
      ++r->anomalous;
      return;
    }
    // One instant at which the reader sees every visited entry and misses every other key.
    for (int64_t t = window.c2; t <= window.r2; ++t) {
      bool all = true;
      for (const auto& [key, kw] : keys_) {
        auto v = visited.find(key);
        all = all && Possible(key, v != visited.end(), v == visited.end() ? 0 : v->second, Interval{t, t});
      }
      if (all) {
        ++r->snapshot;
        return;
      }
    }
    ++r->weak;
  }

  void Load(const Op& op, CheckResult* r) const {
    ++r->loads;
    if (Possible(op.key, op.found, op.value, Interval{2 * op.call, 2 * op.ret})) return;
    const bool unknown = op.found && !Stored(op.key, op.value);
    ++r->loads_with[static_cast<int>(unknown ? Anomaly::kUnknownValue : Anomaly::kStaleRead)];
  }

  // An erase reads the key just before its own write: the reader is the erase, without its write.
  void Erase(const Op& op, CheckResult* r) const {
    ++r->erases;
    const KeyWrites& kw = keys_.at(op.key);
    int self = 0;
    while (kw.op[self] != &op) ++self;
    uint32_t stores = kw.prefilled ? kInitialBit : 0;
    for (size_t i = 0; i < kw.at.size(); ++i) stores |= kw.store[i] ? 1u << i : 0;
    const uint32_t absent = ~stores & (kInitialBit | ((1u << kw.at.size()) - 1));
    const bool alone = (LastBefore(kw, kw.at[self], self) & (op.found ? stores : absent)) != 0;
    // The removal before this one in (call, ops order), if both reported one.
    int prev = -1;
    for (int i = 0; i < static_cast<int>(kw.at.size()); ++i) {
      const Op& o = *kw.op[i];
      if (o.kind != OpKind::kErase || !o.found || std::make_pair(o.call, &o) >= std::make_pair(op.call, &op)) continue;
      if (prev < 0 || std::make_pair(kw.op[prev]->call, kw.op[prev]) < std::make_pair(o.call, &o)) prev = i;
    }
    if (!alone) ++r->erases_with[static_cast<int>(Anomaly::kStaleRead)];
    if (!alone || (op.found && prev >= 0 && !BothRemove(kw, prev, self))) ++wrong_with_pairs_;
  }

 public:
  // Erases wrong alone or, for a removal, together with the removal before it in call order.
  mutable uint64_t wrong_with_pairs_ = 0;

 private:
  const History& h_;
  std::map<uint64_t, KeyWrites> keys_;
};

// Small, dense histories: 1 to 4 keys, at most 6 writes each, times 0..40 with many ties and
// touching intervals. Ops take effect at points inside their intervals (a map that ran); then, if
// `spoil`, half the loads and erase results, and some iterations, are made wrong or random.
History SmallHistory(uint32_t seed, bool spoil = true) {
  std::mt19937_64 rng(seed);
  auto rand = [&](uint64_t n) { return static_cast<int64_t>(rng() % n); };
  History h;
  const uint64_t keys = 1 + rand(4);
  uint64_t next_value = 100;
  std::vector<std::vector<uint64_t>> values(keys);
  // The map that ran: per key, (point, present, value) in point order, the initial state first.
  std::vector<std::vector<std::array<int64_t, 3>>> timeline(keys);
  for (uint64_t k = 0; k < keys; ++k) {
    const bool prefilled = rand(2);
    timeline[k].push_back({-1, prefilled, static_cast<int64_t>(next_value)});
    if (prefilled) values[k].push_back(next_value), h.initial.push_back(Entry{k, next_value});
    ++next_value;
  }
  auto state = [&](uint64_t k, int64_t t) {  // the last effect at or before t
    std::array<int64_t, 3> s = timeline[k][0];
    for (const auto& x : timeline[k]) s = x[0] <= t ? x : s;
    return s;
  };
  auto around = [&](Op* op, int64_t point, bool wide) {
    const int64_t width = wide ? 24 : rand(4) ? 3 : 20;
    op->call = std::max<int64_t>(0, point - rand(width));
    op->ret = point + rand(width);
  };
  std::vector<int> writes(keys, 0);
  std::vector<std::pair<Op, int64_t>> reads;       // loads, with their points
  std::vector<std::pair<size_t, int64_t>> erases;  // erases (index in ops), with their points
  const int ops = 2 + rand(24);
  for (int i = 0; i < ops; ++i) {
    Op op;
    const int64_t point = rand(40);
    around(&op, point, false);
    op.key = static_cast<uint64_t>(rand(static_cast<uint64_t>(keys)));
    const int choice = static_cast<int>(rand(10));
    if (choice < 5 && writes[op.key] < 6) {
      ++writes[op.key];
      op.kind = choice < 3 ? OpKind::kStore : OpKind::kErase;
      op.value = op.kind == OpKind::kStore ? next_value++ : 0;
      if (op.kind == OpKind::kStore) values[op.key].push_back(op.value);
      // Points are distinct per key (point * 8 + write number) so the order is never a tie.
      const int64_t at = point * 8 + writes[op.key];
      op.found = spoil && rand(2) ? rand(2) : state(op.key, at)[1];
      auto& tl = timeline[op.key];
      tl.insert(std::upper_bound(tl.begin() + 1, tl.end(), at, [](int64_t t, const auto& x) { return t < x[0]; }),
                {at, op.kind == OpKind::kStore, static_cast<int64_t>(op.value)});
      if (op.kind == OpKind::kErase) erases.push_back({h.ops.size(), at});
      h.ops.push_back(op);
    } else {
      op.kind = OpKind::kLoad;
      reads.push_back({op, point * 8 + 7});
    }
  }
  // Erase results above saw only the writes generated before them, unless unspoiled; loads see them all.
  for (const auto& [i, at] : erases) {
    if (!spoil) h.ops[i].found = state(h.ops[i].key, at - 1)[1];
  }
  for (auto& [op, at] : reads) {
    const auto s = state(op.key, at);
    op.found = !spoil || rand(2) ? s[1] : rand(3) != 0;
    op.value = op.found && s[1] && (!spoil || rand(2)) ? static_cast<uint64_t>(s[2])
               : !values[op.key].empty() && rand(5)    ? values[op.key][rand(values[op.key].size())]
                                                       : 100 + rand(20);
    h.ops.push_back(op);
  }
  for (int i = 1 + rand(4); i > 0; --i) {
    Op it;
    around(&it, rand(40), rand(2));
    it.kind = OpKind::kIterate;
    it.first_entry = h.entries.size();
    // 0: random, 1: each key at its own instant, 2: one instant
    const int mode = spoil ? static_cast<int>(rand(5)) % 3 : 1 + static_cast<int>(rand(2));
    const int64_t instant = (it.call + rand(static_cast<uint64_t>(it.ret - it.call + 1))) * 8 + rand(8);
    for (uint64_t k = 0; k < keys + 1; ++k) {  // key `keys` is never written
      if (mode > 0 && k < keys) {
        const int64_t at =
            mode == 1 ? (it.call + rand(static_cast<uint64_t>(it.ret - it.call + 1))) * 8 + rand(8) : instant;
        const auto s = state(k, at);
        if (s[1]) h.entries.push_back(Entry{k, static_cast<uint64_t>(s[2])});
        continue;
      }
      if (!spoil) continue;  // the key never written, or random entries
      for (int visits = rand(4) == 0 ? 2 : rand(2); visits > 0 && (mode == 0 || rand(8) == 0); --visits) {
        const uint64_t v = k < keys && !values[k].empty() && rand(6)
                               ? values[k][rand(values[k].size())]
                               : 100 + rand(static_cast<uint64_t>(next_value - 99));
        h.entries.push_back(Entry{k, v});
      }
    }
    if (spoil && mode > 0 && rand(4) == 0 && it.first_entry < h.entries.size()) {  // one entry made wrong
      Entry& e = h.entries[it.first_entry + rand(h.entries.size() - it.first_entry)];
      if (rand(2))
        e.value = 100 + rand(static_cast<uint64_t>(next_value - 99));
      else
        h.entries.erase(h.entries.begin() + static_cast<int64_t>(&e - h.entries.data()));
    }
    it.entry_count = static_cast<uint32_t>(h.entries.size() - it.first_entry);
    h.ops.push_back(it);
  }
  std::shuffle(h.ops.begin(), h.ops.end(), rng);
  return h;
}

uint64_t Sum(const std::array<uint64_t, kAnomalyCount>& a) {
  uint64_t s = 0;
  for (uint64_t x : a) s += x;
  return s;
}

std::string Verdicts(const CheckResult& r) {
  return "iterations=" + std::to_string(r.iterations) + " snapshot=" + std::to_string(r.snapshot) +
         " weak=" + std::to_string(r.weak) + " anomalous=" + std::to_string(r.anomalous) +
         " key_wrong=" + std::to_string(r.key_wrong) +
         " missing=" + std::to_string(r.anomalies[static_cast<int>(Anomaly::kMissing)]) +
         " duplicate=" + std::to_string(r.anomalies[static_cast<int>(Anomaly::kDuplicate)]) +
         " loads=" + std::to_string(r.loads) + " wrong loads=" + std::to_string(Sum(r.loads_with)) +
         " unknown-value loads=" + std::to_string(r.loads_with[static_cast<int>(Anomaly::kUnknownValue)]) +
         " erases=" + std::to_string(r.erases);
}

TEST(CheckerLinearizationTest, EveryVerdictIsWhatSomeOrNoLinearizationAllows) {
  CheckResult total;
  uint64_t pair_found = 0, pair_possible = 0;  // removals wrong only with the one before them
  for (uint32_t seed = 1; seed <= 40000; ++seed) {
    const History h = SmallHistory(seed);
    Oracle oracle(h);
    const CheckResult want = oracle.Check();
    const CheckResult got = Check(h);
    ASSERT_EQ(Verdicts(got), Verdicts(want)) << "seed " << seed;
    // Every erase wrong alone is found; the pair rule adds only pairs no order allows.
    ASSERT_GE(Sum(got.erases_with), Sum(want.erases_with)) << "seed " << seed;
    ASSERT_LE(Sum(got.erases_with), oracle.wrong_with_pairs_) << "seed " << seed;
    // `check --key` judges each erase its own way and must agree.
    if (seed % 16 == 0) {
      size_t wrong = 0;
      for (uint64_t key = 0; key < 4; ++key) {
        const std::string text = DescribeKey(h, key);
        for (size_t at = text.find("-> WRONG"); at != std::string::npos; at = text.find("-> WRONG", at + 1)) {
          const size_t line = text.rfind('\n', at) + 1;  // npos + 1 = 0: the first line
          wrong += text.substr(line, at - line).find(" erase [") != std::string::npos;
        }
      }
      ASSERT_EQ(wrong, Sum(got.erases_with)) << "seed " << seed;
    }
    pair_found += Sum(got.erases_with) - Sum(want.erases_with);
    pair_possible += oracle.wrong_with_pairs_ - Sum(want.erases_with);
    total.iterations += want.iterations, total.snapshot += want.snapshot, total.weak += want.weak,
        total.anomalous += want.anomalous;
    total.key_wrong += want.key_wrong, total.loads += want.loads, total.erases += want.erases;
    for (int i = 0; i < kAnomalyCount; ++i) {
      total.anomalies[i] += want.anomalies[i];
      total.loads_with[i] += want.loads_with[i], total.erases_with[i] += want.erases_with[i];
    }
  }
  // Every verdict is reached often, right and wrong, so a rule that drifted would show.
  EXPECT_GT(total.snapshot, 3000u);
  EXPECT_GT(total.weak, 500u);
  EXPECT_GT(total.anomalous, 3000u);
  EXPECT_GT(total.anomalies[static_cast<int>(Anomaly::kMissing)], 1000u);
  EXPECT_GT(total.anomalies[static_cast<int>(Anomaly::kDuplicate)], 1000u);
  EXPECT_GT(Sum(total.loads_with), 3000u);
  EXPECT_GT(total.loads - Sum(total.loads_with), 3000u);
  EXPECT_GT(Sum(total.erases_with), 1000u);
  EXPECT_GT(total.erases - Sum(total.erases_with), 1000u);
  EXPECT_GT(pair_found, 300u);
  std::cout << Verdicts(total) << " wrong erases=" << Sum(total.erases_with) << ", and with the one before "
            << pair_found << " of " << pair_possible << "\n";
}

// The rules' soundness on its own: what a map that ran recorded is never judged wrong (each key
// seen at its own instant is at worst not a snapshot), returns lowered by readers included.
TEST(CheckerLinearizationTest, HistoriesOfMapsThatRanHaveNoAnomaly) {
  uint64_t loads = 0, tightened = 0;
  for (uint32_t seed = 1; seed <= 40000; ++seed) {
    const History h = SmallHistory(seed, false);
    const CheckResult r = Check(h);
    ASSERT_EQ(r.anomalous, 0u) << "seed " << seed << ": " << Verdicts(r);
    ASSERT_EQ(Sum(r.anomalies), r.anomalies[static_cast<int>(Anomaly::kNotSnapshot)])
        << "seed " << seed << ": " << (r.examples.empty() ? "" : r.examples[0].explanation);
    loads += r.loads;
    for (const auto& [key, windows] : WriteWindows(h)) {
      for (const WriteWindow& w : windows) tightened += w.seen_by >= 0;
    }
  }
  EXPECT_GT(loads, 100000u);
  EXPECT_GT(tightened, 10000u);  // stores that a reader saw before they returned
  std::cout << loads << " loads, " << tightened << " stores seen by a reader before they returned\n";
}

}  // namespace
}  // namespace mapstress
