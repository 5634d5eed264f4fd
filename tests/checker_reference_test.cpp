// The checker against its definition (src/check/README.md), written out the slow, obvious
// way: every count of every random history must match, whatever the layout and thread count.
// Histories are small and dense in time (many ties and overlaps), values repeat across keys,
// and iterations are both random and taken from a map that really ran.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "check/checker.h"
#include "checker_test_support.h"

namespace mapstress {
namespace {

constexpr int64_t kMinusInf = std::numeric_limits<int64_t>::min();
constexpr int64_t kPlusInf = std::numeric_limits<int64_t>::max();

// The semantics by definition, O(writes) per question.
class Reference {
 public:
  explicit Reference(const History& h) : h_(h) {
    std::set<uint64_t> keys;
    for (const Entry& e : h.initial) keys.insert(e.key);
    for (const Op& op : h.ops) {
      if (op.kind == OpKind::kStore || op.kind == OpKind::kErase) keys.insert(op.key);
    }
    for (uint64_t k : keys) {
      std::vector<W>& ws = writes_[k];
      auto init = std::find_if(h.initial.begin(), h.initial.end(), [&](const Entry& e) { return e.key == k; });
      ws.push_back(
          W{kMinusInf, kMinusInf, init != h.initial.end(), init != h.initial.end() ? init->value : 0, 0, nullptr});
      for (const Op& op : h.ops) {
        if (op.key != k) continue;
        if (op.kind == OpKind::kStore) ws.push_back(W{op.call, op.ret, true, op.value, 0, &op});
        if (op.kind == OpKind::kErase) ws.push_back(W{op.call, op.ret, false, 0, 0, &op});
      }
      // A store took effect by the return of any load that returned its value or iteration that
      // visited it (one that returned before the store's call proves nothing); the rules then
      // read that as its return.
      auto saw = [&](uint64_t value, int64_t ret) {
        auto owner = std::find_if(ws.begin(), ws.end(), [&](const W& w) { return w.store && w.value == value; });
        if (owner != ws.end() && owner->op != nullptr && ret >= owner->call) owner->ret = std::min(owner->ret, ret);
      };
      for (const Op& op : h.ops) {
        if (op.kind == OpKind::kLoad && op.found && op.key == k) saw(op.value, op.ret);
        if (op.kind != OpKind::kIterate) continue;
        for (uint64_t e = op.first_entry; e < op.first_entry + op.entry_count; ++e) {
          if (h.entries[e].key == k) saw(h.entries[e].value, op.ret);
        }
      }
      for (W& w : ws) {  // S(w): the earliest return of a write called after w returned
        w.until = kPlusInf;
        for (const W& o : ws) {
          if (o.call > w.ret) w.until = std::min(w.until, o.ret);
        }
      }
    }
  }

  CheckResult Check() const {
    CheckResult r;
    r.events = h_.ops.size();
    for (const Op& op : h_.ops) {
      if (op.kind == OpKind::kIterate) Iteration(op, &r);
      if (op.kind == OpKind::kLoad) Load(op, &r);
      if (op.kind == OpKind::kErase) Erase(op, &r);
    }
    return r;
  }

 private:
  struct W {
    int64_t call, ret;
    bool store;
    uint64_t value;
    int64_t until;  // S(w): possible during [call, until]
    const Op* op;   // null: the initial state
  };

  static bool Meets(const W& w, int64_t c, int64_t r) { return w.call <= r && w.until >= c; }
  static bool At(const W& w, int64_t t) { return w.call <= t && t <= w.until; }

  const std::vector<W>* Writes(uint64_t k) const {
    auto it = writes_.find(k);
    return it == writes_.end() ? nullptr : &it->second;
  }
  // The write a reader of (k, v) saw: the key's first store of v (prefill first, then ops order).
  const W* Owner(uint64_t k, uint64_t v) const {
    const auto* ws = Writes(k);
    if (ws == nullptr) return nullptr;
    for (const W& w : *ws) {
      if (w.store && w.value == v) return &w;
    }
    return nullptr;
  }
  bool CanBe(uint64_t k, bool present, int64_t c, int64_t r) const {
    const auto* ws = Writes(k);
    if (ws == nullptr) return !present;  // never written: absent throughout
    return std::any_of(ws->begin(), ws->end(), [&](const W& w) { return w.store == present && Meets(w, c, r); });
  }
  bool AbsentAt(uint64_t k, int64_t t) const {
    const auto* ws = Writes(k);
    return std::any_of(ws->begin(), ws->end(), [&](const W& w) { return !w.store && At(w, t); });
  }

  void Iteration(const Op& it, CheckResult* r) const {
    const int64_t c = it.call, ret = it.ret;
    std::array<uint64_t, kAnomalyCount> found{};
    std::set<uint64_t> visited;
    std::vector<const W*> seen;
    for (uint64_t e = it.first_entry; e < it.first_entry + it.entry_count && e < h_.entries.size(); ++e) {
      const Entry& en = h_.entries[e];
      ++r->events;
      const bool written = Writes(en.key) != nullptr;
      const bool repeat = written && !visited.insert(en.key).second;
      const W* w = Owner(en.key, en.value);
      Anomaly kind;
      if (w == nullptr) {
        kind = Anomaly::kUnknownValue;
      } else if (!CanBe(en.key, true, c, ret)) {
        kind = Anomaly::kPhantom;
      } else if (!Meets(*w, c, ret)) {
        kind = Anomaly::kStaleValue;
      } else if (repeat) {
        kind = Anomaly::kDuplicate;
      } else {
        seen.push_back(w);
        continue;
      }
      ++found[static_cast<int>(kind)];
    }
    uint64_t entries = 0;
    for (const auto& [k, ws] : writes_) {
      if (!visited.count(k) && !CanBe(k, false, c, ret)) ++found[static_cast<int>(Anomaly::kMissing)];
    }
    for (uint64_t e = it.first_entry; e < it.first_entry + it.entry_count && e < h_.entries.size(); ++e) ++entries;
    ++r->iterations;
    r->key_total += entries + found[static_cast<int>(Anomaly::kMissing)];
    bool bad = false;
    for (int i = 0; i < kAnomalyCount; ++i) {
      r->anomalies[i] += found[i];
      if (found[i] > 0) bad = true, ++r->iterations_with[i];
      if (static_cast<Anomaly>(i) != Anomaly::kNotSnapshot && static_cast<Anomaly>(i) != Anomaly::kStaleRead) {
        r->key_wrong += found[i];
      }
    }
    if (bad) {
      ++r->anomalous;
      return;
    }
    // A snapshot instant, if any, is the window's start or some write's call inside the window:
    // the set of good instants is a union of closed intervals, each starting at one of those.
    std::vector<int64_t> candidates = {c};
    for (const auto& [k, ws] : writes_) {
      for (const W& w : ws) {
        if (w.call >= c && w.call <= ret) candidates.push_back(w.call);
      }
    }
    const bool snapshot = std::any_of(candidates.begin(), candidates.end(), [&](int64_t t) {
      for (const W* w : seen) {
        if (!At(*w, t)) return false;
      }
      for (const auto& [k, ws] : writes_) {
        if (!visited.count(k) && !AbsentAt(k, t)) return false;
      }
      return true;
    });
    if (snapshot) {
      ++r->snapshot;
    } else {
      ++r->weak;
      ++r->anomalies[static_cast<int>(Anomaly::kNotSnapshot)];
      ++r->iterations_with[static_cast<int>(Anomaly::kNotSnapshot)];
    }
  }

  void Load(const Op& op, CheckResult* r) const {
    ++r->loads;
    Anomaly kind;
    if (op.found) {
      const W* w = Owner(op.key, op.value);
      if (w != nullptr && Meets(*w, op.call, op.ret)) return;
      kind = w == nullptr ? Anomaly::kUnknownValue : Anomaly::kStaleRead;
    } else {
      if (CanBe(op.key, false, op.call, op.ret)) return;
      kind = Anomaly::kStaleRead;
    }
    ++r->anomalies[static_cast<int>(kind)];
    ++r->loads_with[static_cast<int>(kind)];
  }

  // An erase's result is a read of presence: removed needs a store, nothing removed another
  // absent-write (not the erase itself), possible during the erase. A removal also needs a
  // store that can come between it and the removal before it in call order (P), in either order,
  // and if only one can, another for the first of them.
  void Erase(const Op& op, CheckResult* r) const {
    if (op.ret == kPlusInf) return;  // no return: no result to judge
    ++r->erases;
    const auto& ws = *Writes(op.key);
    bool ok = std::any_of(ws.begin(), ws.end(),
                          [&](const W& w) { return w.op != &op && w.store == op.found && Meets(w, op.call, op.ret); });
    const W* p = nullptr;  // (call, ops order) just before the erase's, among removals
    auto order = [](const W& w) { return std::make_pair(w.call, w.op); };
    for (const W& w : ws) {
      if (w.op == nullptr || w.store || !w.op->found || w.ret == kPlusInf) continue;
      if (order(w) < std::make_pair(op.call, &op) && (p == nullptr || order(*p) < order(w))) p = &w;
    }
    if (op.found && p != nullptr) {
      std::vector<const W*> between;  // stores that can come between the two
      for (const W& s : ws) {
        if (s.op != nullptr && s.store &&
            ((s.ret >= p->call && s.call <= op.ret) || (s.ret >= op.call && s.call <= p->ret))) {
          between.push_back(&s);
        }
      }
      // With one, the first removal needs another store (or the prefill) still possible at or
      // after P's call, called by R's call.
      const bool other = std::any_of(ws.begin(), ws.end(), [&](const W& x) {
        return x.store && x.call <= op.call && x.until >= p->call && (between.empty() || &x != between[0]);
      });
      ok = ok && (between.size() >= 2 || (between.size() == 1 && other));
    }
    if (ok) return;
    ++r->anomalies[static_cast<int>(Anomaly::kStaleRead)];
    ++r->erases_with[static_cast<int>(Anomaly::kStaleRead)];
  }

  const History& h_;
  std::map<uint64_t, std::vector<W>> writes_;
};

// A map that really ran: every op takes effect at one instant inside its interval; each
// iteration reads the map at one instant (atomic) or each key at its own instant (per-key).
// Values repeat across keys (a history file needs them unique per key only). Then, now and
// then, one entry or load is spoiled. Times are dense, so intervals tie and overlap a lot.
History RanHistory(uint32_t seed) {
  std::mt19937_64 rng(seed);
  auto rand = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  const uint64_t keys = 1 + rand(6);
  const bool atomic = rand(2) == 0;
  struct Planned {
    Op op;
    int64_t at;  // its instant
  };
  std::vector<Planned> plan;
  const int ops = 3 + static_cast<int>(rand(30));
  for (int i = 0; i < ops; ++i) {
    Op op;
    op.call = static_cast<int64_t>(rand(40));
    op.ret = op.call + static_cast<int64_t>(rand(rand(4) ? 6 : 30));
    op.thread = static_cast<uint32_t>(rand(4));
    op.key = rand(keys);
    int choice = static_cast<int>(rand(10));
    op.kind = choice < 4 ? OpKind::kStore : choice < 6 ? OpKind::kErase : choice < 8 ? OpKind::kLoad : OpKind::kIterate;
    if (op.kind == OpKind::kIterate && !atomic) op.ret = op.call + static_cast<int64_t>(rand(40));  // long reads
    plan.push_back(Planned{op, op.call + static_cast<int64_t>(rand(static_cast<uint64_t>(op.ret - op.call) + 1))});
  }
  std::stable_sort(plan.begin(), plan.end(), [](const Planned& a, const Planned& b) { return a.at < b.at; });
  History h;
  std::map<uint64_t, uint64_t> map;
  std::map<uint64_t, std::set<uint64_t>> used;  // values per key: unique per key
  uint64_t next = 1;
  auto fresh = [&](uint64_t k) {
    uint64_t v = rand(3) ? rand(next + 2) : next++;  // often a value another key has (0 too)
    while (used[k].count(v)) v = next++;
    used[k].insert(v);
    return v;
  };
  for (uint64_t k = 0; k < keys; ++k) {
    if (rand(2)) {
      map[k] = fresh(k);
      h.initial.push_back(Entry{k, map[k]});
    }
  }
  // Per-key iterations read each key at its own instant, so their reads are replayed later.
  struct Pending {
    size_t op;
    std::vector<int64_t> at;  // per key
  };
  std::vector<Pending> per_key;
  std::vector<std::map<uint64_t, uint64_t>> states;  // the map after each planned op
  std::vector<int64_t> times;
  for (Planned& p : plan) {
    Op& op = p.op;
    if (op.kind == OpKind::kStore) {
      op.value = fresh(op.key);
      map[op.key] = op.value;
    } else if (op.kind == OpKind::kErase) {
      op.found = map.erase(op.key) > 0;
    } else if (op.kind == OpKind::kLoad) {
      auto it = map.find(op.key);
      op.found = it != map.end();
      op.value = op.found ? it->second : 0;
    } else if (atomic) {
      op.first_entry = h.entries.size();
      for (const auto& [k, v] : map) h.entries.push_back(Entry{k, v});
      op.entry_count = static_cast<uint32_t>(map.size());
    } else {
      Pending pk{h.ops.size(), {}};
      for (uint64_t k = 0; k < keys; ++k) {
        pk.at.push_back(op.call + static_cast<int64_t>(rand(static_cast<uint64_t>(op.ret - op.call) + 1)));
      }
      per_key.push_back(pk);
    }
    h.ops.push_back(op);
    states.push_back(map);
    times.push_back(p.at);
  }
  auto state_at = [&](int64_t t, uint64_t k) -> std::optional<uint64_t> {
    std::optional<uint64_t> v;  // before any op: the prefill
    for (const Entry& e : h.initial) {
      if (e.key == k) v = e.value;
    }
    for (size_t i = 0; i < times.size() && times[i] <= t; ++i) {
      auto it = states[i].find(k);
      v = it != states[i].end() ? std::optional<uint64_t>(it->second) : std::nullopt;
    }
    return v;
  };
  for (const Pending& pk : per_key) {
    Op& op = h.ops[pk.op];
    op.first_entry = h.entries.size();
    for (uint64_t k = 0; k < keys; ++k) {
      if (auto v = state_at(pk.at[k], k)) h.entries.push_back(Entry{k, *v});
    }
    op.entry_count = static_cast<uint32_t>(h.entries.size() - op.first_entry);
  }
  // Spoil a few things: a value of another time or key, a dropped or doubled entry, a made-up key.
  const int spoils = rand(3) ? 0 : 1 + static_cast<int>(rand(3));
  for (int s = 0; s < spoils && !h.ops.empty(); ++s) {
    Op& op = h.ops[rand(h.ops.size())];
    if (op.kind == OpKind::kLoad) {
      op.found = !op.found || rand(2);
      op.value = 1 + rand(next + 1);
    } else if (op.kind == OpKind::kErase) {
      op.found = !op.found;
    } else if (op.kind == OpKind::kIterate && op.entry_count > 0) {
      Entry& en = h.entries[op.first_entry + rand(op.entry_count)];
      switch (rand(4)) {
        case 0: en.value = 1 + rand(next + 1); break;
        case 1: en.key = rand(keys + 1); break;
        case 2: en = h.entries[op.first_entry]; break;  // a repeat of the first entry
        default: --op.entry_count; break;               // drops the last entry
      }
    }
  }
  // Now and then at the ends of time (the checker's own stand-ins for infinity are INT64_MIN
  // and INT64_MAX).
  if (const uint64_t end = rand(8); end < 2) {
    const int64_t base = end == 0 ? kMinusInf : kPlusInf - 100;
    for (Op& op : h.ops) op.call += base, op.ret += base;
  }
  // Now and then an erase without a return (a crash cut it): it still writes, but has no result.
  for (Op& op : h.ops) {
    if (op.kind == OpKind::kErase && rand(16) == 0) op.ret = kPlusInf;
  }
  std::shuffle(h.ops.begin(), h.ops.end(), rng);
  return h;
}

std::string Counts(const CheckResult& r) {
  std::string s = "iterations=" + std::to_string(r.iterations) + " snapshot=" + std::to_string(r.snapshot) +
                  " weak=" + std::to_string(r.weak) + " loads=" + std::to_string(r.loads) +
                  " erases=" + std::to_string(r.erases);
  for (int i = 0; i < kAnomalyCount; ++i) {
    s += " " + std::string(AnomalyName(static_cast<Anomaly>(i))) + "=" + std::to_string(r.anomalies[i]);
  }
  return s;
}

// Every layout on one thread and, with `threads`, the automatic one on 3 threads (chunks small
// enough that the threads share the work; tests/checker_parallel_test.cpp covers threads further).
void ExpectMatchesReference(const History& h, const std::string& what, bool threads_too) {
  const CheckResult want = Reference(h).Check();
  for (ValueLayout layout : {ValueLayout::kAuto, ValueLayout::kHash, ValueLayout::kRuns}) {
    for (size_t threads : {1, 3}) {
      if (threads > 1 && (!threads_too || layout != ValueLayout::kAuto)) continue;
      CheckOptions options;
      options.value_layout = layout;
      options.threads = threads;
      options.chunk_events = threads > 1 ? 4 : options.chunk_events;
      const CheckResult got = Check(h, options);
      const std::string where =
          what + " layout " + std::to_string(static_cast<int>(layout)) + " threads " + std::to_string(threads);
      ASSERT_EQ(Counts(got), Counts(want)) << where;  // the readable part first
      ExpectSameCounts(got, want, where);
      if (testing::Test::HasFailure()) return;
    }
  }
}

TEST(CheckerReferenceTest, HistoriesOfMapsThatRanMatchTheDefinition) {
  uint64_t weak = 0, snapshot = 0, anomalous = 0;
  for (uint32_t seed = 1; seed <= 4000; ++seed) {
    History h = RanHistory(seed);
    ExpectMatchesReference(h, "RanHistory seed " + std::to_string(seed), seed % 8 == 0);
    if (HasFailure()) return;
    CheckResult r = Reference(h).Check();
    weak += r.weak, snapshot += r.snapshot, anomalous += r.anomalous;
  }
  // The generator reaches every verdict often enough for the comparison to mean something.
  EXPECT_GT(snapshot, 5000u);
  EXPECT_GT(weak, 300u);
  EXPECT_GT(anomalous, 200u);
}

TEST(CheckerReferenceTest, RandomHistoriesMatchTheDefinition) {
  std::array<uint64_t, kAnomalyCount> seen{};
  for (uint32_t seed = 1; seed <= 1500; ++seed) {
    for (bool reuse : {false, true}) {
      History h = CounterHistory(seed, reuse);
      ExpectMatchesReference(h, "CounterHistory seed " + std::to_string(seed) + (reuse ? " reuse" : ""), seed % 8 == 0);
      if (HasFailure()) return;
      CheckResult r = Reference(h).Check();
      for (int i = 0; i < kAnomalyCount; ++i) seen[i] += r.anomalies[i];
    }
  }
  for (int i = 0; i < kAnomalyCount; ++i) EXPECT_GT(seen[i], 50u) << AnomalyName(static_cast<Anomaly>(i));
}

}  // namespace
}  // namespace mapstress
