#include "check/drill_down.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "check/checker.h"

namespace mapstress {
namespace {

constexpr int64_t kNegInf = std::numeric_limits<int64_t>::min();
constexpr int64_t kPosInf = std::numeric_limits<int64_t>::max();

struct Span {
  int64_t lo, hi;
};

std::string Time(int64_t t) {
  if (t == kNegInf) return "start";
  if (t == kPosInf) return "end";
  return std::to_string(t);
}

std::string Window(int64_t lo, int64_t hi) { return "[" + Time(lo) + ", " + Time(hi) + "]"; }

// Ops are written one per line after the header: op i is on line i + 2.
std::string OpPlace(const History& h, size_t i) {
  return fmt::format("line {} {}", i + 2, h.ThreadName(h.ops[i].thread));
}

// Whether removals a and then b (by call) of one key pass the checker's pair rule: a store can
// come between them in either order, and if only one can, another of the key's `windows` that
// stores (the prefill too), called by b's call, is still possible at or after a's call.
bool BothCanRemove(const History& h, const std::vector<WriteWindow>& windows, size_t a, size_t b) {
  const Op& x = h.ops[a];
  const Op& y = h.ops[b];
  std::vector<int64_t> between;
  for (const WriteWindow& w : windows) {
    if (w.op < 0 || !w.store) continue;
    if (StoreCanComeBetween(w.call, w.ret, x, y)) between.push_back(w.op);
  }
  if (between.size() != 1) return !between.empty();
  return std::any_of(windows.begin(), windows.end(), [&](const WriteWindow& w) {
    return w.store && w.op != between[0] && w.call <= y.call && w.until >= x.call;
  });
}

// The union of the windows of the writes that make the key present (or absent).
std::vector<Span> Union(const std::vector<WriteWindow>& windows, bool present) {
  std::vector<Span> in, out;
  for (const auto& w : windows) {
    if (w.store == present) in.push_back({w.call, w.until});
  }
  std::sort(in.begin(), in.end(), [](const Span& a, const Span& b) { return a.lo < b.lo; });
  for (const Span& s : in) {
    if (!out.empty() && s.lo <= out.back().hi) {
      out.back().hi = std::max(out.back().hi, s.hi);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

bool Meets(const std::vector<Span>& spans, int64_t lo, int64_t hi) {
  for (const Span& s : spans) {
    if (s.lo <= hi && lo <= s.hi) return true;
  }
  return false;
}

std::string Spans(const std::vector<Span>& spans) {
  if (spans.empty()) return "never";
  std::string out;
  for (const Span& s : spans) out += (out.empty() ? "" : " ") + Window(s.lo, s.hi);
  return out;
}

// What one visited value of a key means against the key's windows during [c, r].
std::string JudgeValue(const std::vector<WriteWindow>& windows, uint64_t value, int64_t c, int64_t r) {
  for (const auto& w : windows) {
    if (!w.store || w.value != value) continue;
    std::string who = w.op < 0 ? "the initial value" : fmt::format("written by line {}", w.op + 2);
    if (w.call <= r && c <= w.until) return fmt::format("ok: {}, in effect {}", who, Window(w.call, w.until));
    return fmt::format("WRONG: {}, in effect only {}", who, Window(w.call, w.until));
  }
  return "WRONG: never written to this key";
}

std::vector<size_t> Iterations(const History& h) {
  std::vector<size_t> out;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    if (h.ops[i].kind == OpKind::kIterate) out.push_back(i);
  }
  return out;
}

std::string Header(const History& h) {
  return fmt::format("{} × {}, trial {}, seed {} (times in ns as recorded; ops by line of the file)\n", h.scenario,
                     h.backend, h.trial, h.seed);
}

}  // namespace

std::string DescribeKey(const History& h, uint64_t key) {
  auto all = WriteWindows(h, key);
  std::string out = Header(h);
  if (all.empty()) return out + fmt::format("key {}: not prefilled and never written\n", key);
  const std::vector<WriteWindow>& windows = all.begin()->second;
  out += fmt::format("key {}:\n  writes, by call, with the window in which each may be in effect:\n", key);
  for (const auto& w : windows) {
    if (w.op < 0) {
      out += fmt::format("    initial: {}, in effect {}\n",
                         w.store ? fmt::format("value {}", w.value) : std::string("absent"), Window(w.call, w.until));
      continue;
    }
    const Op& op = h.ops[static_cast<size_t>(w.op)];
    std::string seen;
    if (w.seen_by >= 0) {
      const bool load = h.ops[static_cast<size_t>(w.seen_by)].kind == OpKind::kLoad;
      seen = fmt::format(" (took effect by {}: the {} on {} {} its value)", Time(w.ret), load ? "load" : "iteration",
                         OpPlace(h, static_cast<size_t>(w.seen_by)), load ? "returned" : "visited");
    }
    out += fmt::format("    {} {} {} {}{}, in effect {}\n", OpPlace(h, static_cast<size_t>(w.op)), OpKindName(op.kind),
                       op.kind == OpKind::kStore ? fmt::format("value {}", op.value)
                                                 : std::string(op.found ? "(removed)" : "(not there)"),
                       Window(op.call, op.ret), seen, Window(w.call, w.until));
  }
  const std::vector<Span> absent = Union(windows, false);
  const std::vector<Span> present = Union(windows, true);
  out += fmt::format("  may be absent: {}\n  may be present: {}\n", Spans(absent), Spans(present));
  std::string loads;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& op = h.ops[i];
    if (op.kind != OpKind::kLoad || op.key != key) continue;
    loads +=
        fmt::format("    {} load {}: {}\n", OpPlace(h, i), Window(op.call, op.ret),
                    op.found ? fmt::format("value {} -> {}", op.value, JudgeValue(windows, op.value, op.call, op.ret))
                             : std::string(Meets(absent, op.call, op.ret) ? "not found (ok: may be absent)"
                                                                          : "not found (WRONG: must be present)"));
  }
  if (!loads.empty()) out += "  loads:\n" + loads;
  std::string erases;            // each erase's result: a read of presence, not explained by the erase itself
  std::vector<size_t> removals;  // of the key, with a return, by (call, ops order)
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& op = h.ops[i];
    if (op.key == key && op.kind == OpKind::kErase && op.found && op.ret != kPosInf) removals.push_back(i);
  }
  auto by_call = [&](size_t a, size_t b) {
    return std::make_pair(h.ops[a].call, a) < std::make_pair(h.ops[b].call, b);
  };
  std::sort(removals.begin(), removals.end(), by_call);
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& op = h.ops[i];
    if (op.kind != OpKind::kErase || op.key != key) continue;
    if (op.ret == kPosInf) {
      erases += fmt::format("    {} erase {}: not judged (no return: the history was cut)\n", OpPlace(h, i),
                            Window(op.call, op.ret));
      continue;
    }
    const bool ok = std::any_of(windows.begin(), windows.end(), [&](const WriteWindow& w) {
      return w.op != static_cast<int64_t>(i) && w.store == op.found && w.call <= op.ret && w.until >= op.call;
    });
    // This removal and the one before it in (call, ops order) must both be possible.
    auto at = std::lower_bound(removals.begin(), removals.end(), i, by_call);
    const size_t p = op.found && at != removals.begin() ? *(at - 1) : h.ops.size();
    const bool pair_ok = p == h.ops.size() || BothCanRemove(h, windows, p, i);
    erases += fmt::format(
        "    {} erase {}: {} -> {}\n", OpPlace(h, i), Window(op.call, op.ret), op.found ? "removed" : "nothing removed",
        !ok        ? (op.found ? "WRONG: no store may be in effect" : "WRONG: must be present")
        : !pair_ok ? fmt::format("WRONG: so did the erase on {}, and no order of the writes lets both remove it",
                                 OpPlace(h, p))
        : op.found ? "ok: may be present"
                   : "ok: may be absent");
  }
  if (!erases.empty()) out += "  erase results:\n" + erases;
  std::string iterations;
  size_t number = 0;
  for (size_t i : Iterations(h)) {
    ++number;
    const Op& it = h.ops[i];
    std::vector<uint64_t> seen;
    for (uint64_t e = it.first_entry; e < it.first_entry + it.entry_count; ++e) {
      if (h.entries[e].key == key) seen.push_back(h.entries[e].value);
    }
    const bool must_see = !Meets(absent, it.call, it.ret);
    if (seen.empty() && !must_see) continue;
    std::string got;
    if (seen.empty()) got = "MISSED: the key was present throughout";
    for (size_t s = 0; s < seen.size(); ++s) {
      got += (s ? "; " : "") + fmt::format("value {} -> {}", seen[s], JudgeValue(windows, seen[s], it.call, it.ret));
    }
    if (seen.size() > 1) got += fmt::format(" (DUPLICATE: seen {} times)", seen.size());
    if (!seen.empty() && !Meets(present, it.call, it.ret)) got += " (PHANTOM: absent throughout)";
    iterations += fmt::format("    iteration {} ({}) {}: {}\n", number, OpPlace(h, i), Window(it.call, it.ret), got);
  }
  out += iterations.empty() ? "  no iteration saw it or had to see it\n"
                            : "  iterations that saw it or had to see it:\n" + iterations;
  return out;
}

std::string DescribeIteration(const History& h, uint64_t n, bool* found) {
  std::vector<size_t> iterations = Iterations(h);
  *found = n >= 1 && n <= iterations.size();
  if (!*found) return fmt::format("the history has {} iterations; asked for iteration {}\n", iterations.size(), n);
  const size_t index = iterations[n - 1];
  const Op& it = h.ops[index];
  // The checker's verdict on this iteration alone: the same history with no other iteration.
  History alone = h;
  alone.ops.clear();
  for (size_t i = 0; i < h.ops.size(); ++i) {
    if (h.ops[i].kind != OpKind::kIterate || i == index) alone.ops.push_back(h.ops[i]);
  }
  CheckOptions options;
  options.max_examples = 1000;
  CheckResult verdict = Check(alone, options);
  std::string out = Header(h);
  out += fmt::format("iteration {} of {} ({}) {}: {} entries visited\n", n, iterations.size(), OpPlace(h, index),
                     Window(it.call, it.ret), it.entry_count);
  std::string kinds;
  for (int k = 0; k < kAnomalyCount; ++k) {
    if (verdict.anomalies[k] > 0)
      kinds += fmt::format(" {} {}", AnomalyName(static_cast<Anomaly>(k)), verdict.anomalies[k]);
  }
  const char* shape = verdict.snapshot ? "a snapshot (one instant explains it)"
                      : verdict.weak   ? "weakly consistent (no single instant explains it)"
                                       : "anomalous";
  out += fmt::format("  checker: {}{}\n", shape, kinds.empty() ? "" : ";" + kinds);
  for (const Example& e : verdict.examples) {
    out += fmt::format("    {} key {}: {}\n", AnomalyName(e.kind), e.key, e.explanation);
  }
  // Per key: what the map could hold during the window, and what the iteration got.
  std::map<uint64_t, std::vector<uint64_t>> seen;
  for (uint64_t e = it.first_entry; e < it.first_entry + it.entry_count; ++e)
    seen[h.entries[e].key].push_back(h.entries[e].value);
  auto windows = WriteWindows(h);
  out += "  keys it visited or had to visit (must = present throughout the window):\n";
  for (const auto& [key, key_windows] : windows) {
    const std::vector<Span> absent = Union(key_windows, false);
    const bool must = !Meets(absent, it.call, it.ret);
    auto s = seen.find(key);
    if (s == seen.end() && !must) continue;
    std::string possible;
    for (const auto& w : key_windows) {
      if (w.store && w.call <= it.ret && it.call <= w.until)
        possible += (possible.empty() ? "" : ", ") + std::to_string(w.value);
    }
    std::string got = s == seen.end() ? "MISSED" : "";
    if (s != seen.end()) {
      for (size_t i = 0; i < s->second.size(); ++i) {
        got += (i ? "; " : "") +
               fmt::format("{} -> {}", s->second[i], JudgeValue(key_windows, s->second[i], it.call, it.ret));
      }
    }
    out += fmt::format("    key {} {} (possible values: {}): {}\n", key, must ? "must" : "may",
                       possible.empty() ? "none" : possible, got);
  }
  for (const auto& [key, values] : seen) {
    if (windows.count(key) == 0)
      out += fmt::format("    key {} (never written): WRONG: visited with {}\n", key, values[0]);
  }
  return out;
}

}  // namespace mapstress
