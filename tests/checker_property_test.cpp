// Random histories of a sequential map: the checker must find nothing in correct ones and
// must find each provable injected fault.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "check/checker.h"
#include "core/mix_hash.h"

namespace mapstress {
namespace {

constexpr int64_t kStep = 100;  // between linearization points

// A history plus each iteration's entries kept apart so faults can edit them.
struct Generated {
  History history;
  std::vector<size_t> iteration_ops;
  std::vector<std::vector<Entry>> iteration_entries;

  History Build() const {
    History h = history;
    h.entries.clear();
    for (size_t i = 0; i < iteration_ops.size(); ++i) {
      Op& op = h.ops[iteration_ops[i]];
      op.first_entry = h.entries.size();
      op.entry_count = static_cast<uint32_t>(iteration_entries[i].size());
      h.entries.insert(h.entries.end(), iteration_entries[i].begin(), iteration_entries[i].end());
    }
    return h;
  }
};

// A bijection, so distinct counters give distinct values.
uint64_t Mix(uint64_t x) { return MixHash(x + 0x9e3779b97f4a7c15ULL); }

// Applies random ops to a sequential map, each at its own linearization point, and records
// them with random intervals around that point. `per_key_instant`: iterations read each key
// at its own instant instead of the whole map at one.
Generated Generate(uint32_t seed, bool per_key_instant) {
  std::mt19937_64 rng(seed);
  auto rand = [&](uint64_t n) { return static_cast<int64_t>(rng() % n); };
  Generated g;
  History& h = g.history;
  h.thread_names = {"t0", "t1", "t2", "t3"};
  std::vector<uint64_t> keys(1 + rand(8));
  for (uint64_t& k : keys) k = rand(2) ? rng() : static_cast<uint64_t>(rand(16));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  int64_t jitter = std::array<int64_t, 4>{0, 40, 150, 400}[rand(4)];
  uint64_t counter = seed * 100000ULL;
  std::map<uint64_t, uint64_t> state;
  for (uint64_t k : keys) {
    if (rand(2)) {
      state[k] = Mix(counter++);
      h.initial.push_back(Entry{k, state[k]});
    }
  }
  auto around = [&](Op* op, int64_t lo_point, int64_t hi_point) {
    op->call = lo_point - (jitter ? rand(jitter + 1) : 0);
    op->ret = hi_point + (jitter ? rand(jitter + 1) : 0);
    op->thread = static_cast<uint32_t>(rand(4));
  };
  struct Reading {  // an iteration in progress in per-key-instant mode
    size_t index;
    size_t cursor;
    int64_t first_read;
  };
  std::vector<Reading> reading;
  int steps = 30 + rand(120);
  for (int s = 1; s <= steps; ++s) {
    int64_t p = s * kStep;
    Op op;
    int choice = rand(10);
    uint64_t key = keys[rand(keys.size())];
    if (choice < 4) {
      op.kind = OpKind::kStore;
      op.key = key;
      op.value = Mix(counter++);
      state[key] = op.value;
    } else if (choice < 6) {
      op.kind = OpKind::kErase;
      op.key = key;
      op.found = state.erase(key) > 0;
    } else if (choice < 8) {
      op.kind = OpKind::kLoad;
      op.key = key;
      auto it = state.find(key);
      op.found = it != state.end();
      op.value = op.found ? it->second : 0;
    } else if (!per_key_instant) {
      op.kind = OpKind::kIterate;
      std::vector<Entry> entries;
      for (const auto& [k, v] : state) entries.push_back(Entry{k, v});
      std::shuffle(entries.begin(), entries.end(), rng);
      g.iteration_ops.push_back(h.ops.size());
      g.iteration_entries.push_back(entries);
    } else if (reading.size() < 2) {
      g.iteration_ops.push_back(h.ops.size());
      g.iteration_entries.emplace_back();
      reading.push_back(Reading{g.iteration_ops.size() - 1, 0, p + kStep / 2});
      op.kind = OpKind::kIterate;
      h.ops.push_back(op);  // interval set when it finishes
      continue;
    } else {
      continue;
    }
    around(&op, p, p);
    h.ops.push_back(op);
    // Iterations in progress read some keys at p + kStep/2, after this step's op.
    for (size_t i = 0; i < reading.size();) {
      Reading& rd = reading[i];
      int64_t n = rand(3);
      for (; n > 0 && rd.cursor < keys.size(); --n, ++rd.cursor) {
        auto it = state.find(keys[rd.cursor]);
        if (it != state.end()) g.iteration_entries[rd.index].push_back(Entry{it->first, it->second});
      }
      if (rd.cursor == keys.size()) {
        around(&h.ops[g.iteration_ops[rd.index]], rd.first_read, p + kStep / 2);
        reading.erase(reading.begin() + i);
      } else {
        ++i;
      }
    }
  }
  // Unfinished iterations read the rest at the end.
  int64_t end = (steps + 1) * kStep;
  for (Reading& rd : reading) {
    for (; rd.cursor < keys.size(); ++rd.cursor) {
      auto it = state.find(keys[rd.cursor]);
      if (it != state.end()) g.iteration_entries[rd.index].push_back(Entry{it->first, it->second});
    }
    around(&h.ops[g.iteration_ops[rd.index]], rd.first_read, end);
  }
  // The checker must not depend on op order: shuffle, keeping iteration_ops pointing right.
  std::vector<size_t> where(h.ops.size());
  for (size_t i = 0; i < where.size(); ++i) where[i] = i;
  std::shuffle(where.begin(), where.end(), rng);
  std::vector<Op> shuffled(h.ops.size());
  for (size_t i = 0; i < where.size(); ++i) shuffled[where[i]] = h.ops[i];
  h.ops.swap(shuffled);
  for (size_t& i : g.iteration_ops) i = where[i];
  return g;
}

// The semantics by their definition, for deciding which faults are provable.
class Oracle {
 public:
  explicit Oracle(const History& h) : h_(h) {
    for (const Op& op : h.ops) {
      if (op.kind == OpKind::kStore || op.kind == OpKind::kErase) keys_.insert(op.key);
    }
    for (const Entry& e : h.initial) keys_.insert(e.key);
    for (uint64_t k : keys_) writes_[k] = Build(k);
  }

  struct W {
    int64_t call, ret;
    bool store;
    uint64_t value;
  };

  std::vector<W> Writes(uint64_t key) const {
    auto it = writes_.find(key);
    return it != writes_.end() ? it->second : Build(key);
  }

  std::vector<W> Build(uint64_t key) const {
    std::vector<W> out;
    bool prefilled = false;
    for (const Entry& e : h_.initial) {
      if (e.key == key) {
        out.push_back(W{INT64_MIN, INT64_MIN, true, e.value});
        prefilled = true;
      }
    }
    if (!prefilled) out.push_back(W{INT64_MIN, INT64_MIN, false, 0});
    for (const Op& op : h_.ops) {
      if (op.key != key) continue;
      if (op.kind == OpKind::kStore) out.push_back(W{op.call, op.ret, true, op.value});
      if (op.kind == OpKind::kErase) out.push_back(W{op.call, op.ret, false, 0});
    }
    return out;
  }

  // Possible at some t in [c, r]: c(w) <= t and no w' with r(w) < c(w') and r(w') < t.
  static bool Explainable(const std::vector<W>& ws, const W& w, int64_t c, int64_t r) {
    if (w.call > r) return false;
    int64_t t = std::max(c, w.call);
    for (const W& o : ws) {
      if (w.ret < o.call && o.ret < t) return false;
    }
    return true;
  }

  bool MustSee(uint64_t key, int64_t c, int64_t r) const {
    auto ws = Writes(key);
    for (const W& w : ws) {
      if (!w.store && Explainable(ws, w, c, r)) return false;
    }
    return true;
  }
  bool MustNotSee(uint64_t key, int64_t c, int64_t r) const {
    auto ws = Writes(key);
    for (const W& w : ws) {
      if (w.store && Explainable(ws, w, c, r)) return false;
    }
    return true;
  }

 private:
  const History& h_;
  std::set<uint64_t> keys_;
  std::map<uint64_t, std::vector<W>> writes_;
};

std::string Describe(const CheckResult& r) {
  std::string s;
  for (int i = 0; i < kAnomalyCount; ++i) {
    s += std::string(AnomalyName(static_cast<Anomaly>(i))) + "=" + std::to_string(r.anomalies[i]) + " ";
  }
  for (const Example& e : r.examples) s += "\n  " + e.explanation;
  return s;
}

TEST(CheckerPropertyTest, AtomicIterationsAreAlwaysSnapshots) {
  for (uint32_t seed = 1; seed <= 1500; ++seed) {
    History h = Generate(seed, false).Build();
    CheckResult r = Check(h);
    uint64_t total = 0;
    for (uint64_t n : r.anomalies) total += n;
    ASSERT_EQ(total, 0u) << "seed " << seed << ": " << Describe(r);
    ASSERT_EQ(r.snapshot, r.iterations) << "seed " << seed;
  }
}

TEST(CheckerPropertyTest, PerKeyReadsAreAtWorstNotSnapshot) {
  uint64_t weak = 0;
  for (uint32_t seed = 1; seed <= 1500; ++seed) {
    History h = Generate(seed, true).Build();
    CheckResult r = Check(h);
    ASSERT_EQ(r.anomalous, 0u) << "seed " << seed << ": " << Describe(r);
    ASSERT_EQ(r.snapshot + r.weak, r.iterations);
    ASSERT_EQ(r.weak, r.Count(Anomaly::kNotSnapshot));
    weak += r.weak;
  }
  EXPECT_GT(weak, 0u);  // the generator does produce non-snapshot reads
}

// Injects one provable fault per kind into atomic histories and expects that kind.
TEST(CheckerPropertyTest, ProvableFaultsAreCaught) {
  std::array<uint64_t, kAnomalyCount> injected{};
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    Generated g = Generate(seed, false);
    History base = g.Build();
    Oracle oracle(base);
    std::mt19937 rng(seed);
    auto expect = [&](const Generated& faulty, Anomaly kind) {
      CheckResult r = Check(faulty.Build());
      ++injected[static_cast<int>(kind)];
      ASSERT_GE(r.Count(kind), 1u) << "seed " << seed << " fault " << AnomalyName(kind) << ": " << Describe(r);
    };
    std::vector<uint64_t> keys;
    std::map<uint64_t, std::vector<uint64_t>> values;  // key -> values stored to it
    for (const Entry& e : base.initial) values[e.key].push_back(e.value);
    for (const Op& op : base.ops) {
      if (op.kind == OpKind::kStore) values[op.key].push_back(op.value);
    }
    for (size_t i = 0; i < g.iteration_ops.size(); ++i) {
      if (rng() % 3 != 0) continue;  // a sample of iterations keeps the test fast
      const Op& it = base.ops[g.iteration_ops[i]];
      const std::vector<Entry>& entries = g.iteration_entries[i];
      for (size_t e = 0; e < entries.size(); ++e) {
        const Entry& en = entries[e];
        if (oracle.MustSee(en.key, it.call, it.ret)) {  // drop it
          Generated f = g;
          f.iteration_entries[i].erase(f.iteration_entries[i].begin() + e);
          expect(f, Anomaly::kMissing);
        }
        auto ws = oracle.Writes(en.key);
        for (const auto& w : ws) {  // an old (or future) value of the key
          if (w.store && w.value != en.value && !Oracle::Explainable(ws, w, it.call, it.ret)) {
            Generated f = g;
            f.iteration_entries[i][e].value = w.value;
            expect(f, Anomaly::kStaleValue);
            break;
          }
        }
        if (rng() % 4 == 0) {
          Generated f = g;
          f.iteration_entries[i].insert(f.iteration_entries[i].begin() + rng() % entries.size(), en);
          expect(f, Anomaly::kDuplicate);
          f = g;
          f.iteration_entries[i][e].value = ~en.value;  // never written: values are Mix()ed
          expect(f, Anomaly::kUnknownValue);
        }
      }
      for (const auto& [key, vals] : values) {  // a key that cannot be present
        const uint64_t k = key;                 // clang 14 cannot capture a structured binding
        bool visited = std::any_of(entries.begin(), entries.end(), [&](const Entry& en) { return en.key == k; });
        if (!visited && oracle.MustNotSee(key, it.call, it.ret)) {
          Generated f = g;
          f.iteration_entries[i].push_back(Entry{key, vals[rng() % vals.size()]});
          expect(f, Anomaly::kPhantom);
        }
      }
    }
    for (size_t i = 0; i < base.ops.size(); ++i) {  // loads returning an unexplainable value
      const Op& op = base.ops[i];
      if (op.kind != OpKind::kLoad || rng() % 3 != 0) continue;
      auto ws = oracle.Writes(op.key);
      for (const auto& w : ws) {
        bool provable =
            w.store ? !Oracle::Explainable(ws, w, op.call, op.ret) : oracle.MustSee(op.key, op.call, op.ret);
        if (provable) {
          Generated f = g;
          f.history.ops[i].found = w.store;
          f.history.ops[i].value = w.value;
          expect(f, Anomaly::kStaleRead);
          break;
        }
      }
    }
  }
  for (Anomaly kind : {Anomaly::kMissing, Anomaly::kPhantom, Anomaly::kDuplicate, Anomaly::kStaleValue,
                       Anomaly::kUnknownValue, Anomaly::kStaleRead}) {
    EXPECT_GT(injected[static_cast<int>(kind)], 50u) << AnomalyName(kind);
  }
}

}  // namespace
}  // namespace mapstress
