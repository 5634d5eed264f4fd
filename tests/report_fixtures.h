// Fixed run context and case reports for the reporter, terminal, merge and golden tests:
// 2 scenarios x 3 backends covering pass, fail with examples, crashed, unsupported, inconclusive.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "check/checker.h"
#include "core/case_report.h"
#include "core/run_context.h"

namespace mapstress::fixtures {

inline RunContext FixtureContext() {
  RunContext c;
  c.tool_version = "0.1.0";
  c.host = "ci-runner";
  c.cpus = 2;
  c.compiler = "GCC 12.2.0";
  c.build_type = "Release";
  c.seed = 42;
  c.noise = "light";
  c.start_time = "2026-01-02T03:04:05Z";
  c.clock.source = "tsc";
  c.clock.resolution_ns = 0.4;
  c.clock.read_cost_ns = 21.5;
  c.clock.fence_window_ns = 1000;
  c.clock.cross_core_samples = 10000;
  c.clock.trusted = true;
  c.command_line = "mapstress run scenarios --format json";
  c.shard_index = 1;
  c.shard_count = 1;
  c.plan = "5f3c0d2a9b8e7f61";
  c.plan_cases = 6;
  return c;
}

inline OpStats FixtureOps(uint64_t count, double seconds, uint64_t p50) {
  OpStats s;
  s.count = count;
  s.per_sec = static_cast<double>(count) / seconds;
  s.p50_ns = p50;
  s.p99_ns = p50 * 12;
  s.p999_ns = p50 * 40;
  s.max_ns = p50 * 900;
  return s;
}

inline CaseReport FixtureBase(const std::string& scenario, const std::string& backend, Guarantee g) {
  CaseReport r;
  r.scenario = scenario;
  r.scenario_path = "scenarios/" + scenario + ".json";
  r.backend = backend;
  r.guarantee = g;
  r.grading = ProfileFor(g);
  r.trials = 2;
  r.trials_completed = 2;
  r.threads = 4;
  r.seed = 42;
  r.duration_s = 1.0;
  return r;
}

// An example with text only, as a schema 1 report holds it.
inline Example TextExample(Anomaly kind, uint64_t key, std::string explanation, std::vector<std::string> witnesses) {
  Example e;
  e.kind = kind;
  e.key = key;
  e.explanation = std::move(explanation);
  e.witnesses = std::move(witnesses);
  return e;
}

// A failing case: FORBIDDEN missing/duplicate/stale_read, ACCEPTABLE not_snapshot, examples.
inline CaseReport FixtureFailingCase() {
  CaseReport r = FixtureBase("01-basic-iterate", "unsafe", Guarantee::kWeak);
  r.status = CaseStatus::kFail;
  r.check.iterations = 800;
  r.check.snapshot = 700;
  r.check.weak = 86;
  r.check.anomalous = 14;
  r.check.loads = 4000;
  r.check.anomalies[static_cast<int>(Anomaly::kMissing)] = 12;
  r.check.anomalies[static_cast<int>(Anomaly::kDuplicate)] = 3;
  r.check.anomalies[static_cast<int>(Anomaly::kStaleRead)] = 4;
  r.check.anomalies[static_cast<int>(Anomaly::kNotSnapshot)] = 86;  // one per weak iteration
  // 12 missing keys in 11 iterations, 3 duplicates in 3 others: the 14 anomalous iterations.
  r.check.iterations_with[static_cast<int>(Anomaly::kMissing)] = 11;
  r.check.iterations_with[static_cast<int>(Anomaly::kDuplicate)] = 3;
  r.check.iterations_with[static_cast<int>(Anomaly::kNotSnapshot)] = 86;
  r.check.loads_with[static_cast<int>(Anomaly::kStaleRead)] = 4;
  r.check.key_wrong = 15;
  r.check.key_total = 51200;
  r.check.events = 60000;
  r.check.examples.push_back(TextExample(Anomaly::kNotSnapshot, 0,
                                         "iterator-1 saw key 3 before it was erased and key 8 after it was stored, "
                                         "which no single instant explains",
                                         {"writer-1 store key=8 value=81 [0.200100s..0.200150s]"}));
  r.check.examples.push_back(TextExample(Anomaly::kMissing, 17,
                                         "key 17 was present for the whole iteration (stored at 0.101s, never erased) "
                                         "but iterator-1 did not visit it",
                                         {"writer-1 store key=17 value=170 [0.101000s..0.101020s]",
                                          "iterator-1 iterate 63 entries [0.300000s..0.300400s]"}));
  r.check.examples.push_back(TextExample(Anomaly::kDuplicate, 5, "iterator-2 visited key 5 twice in one iteration",
                                         {"iterator-2 iterate 64 entries [0.410000s..0.410300s]"}));
  r.check.examples.push_back(TextExample(
      Anomaly::kStaleRead, 9, "load of key 9 returned value 90, overwritten with 91 before the load began",
      {"writer-2 store key=9 value=91 [0.500000s..0.500010s]", "reader-1 load key=9 -> 90 [0.500100s..0.500120s]"}));
  r.ops[static_cast<int>(OpKind::kStore)] = FixtureOps(90000, 1.0, 60);
  r.ops[static_cast<int>(OpKind::kLoad)] = FixtureOps(4000, 1.0, 40);
  r.ops[static_cast<int>(OpKind::kIterate)] = FixtureOps(800, 1.0, 9000);
  return r;
}

// A small recorded trial of a map that loses a key: writer-2 overwrote key 17 (value 171) and
// erased it only later, yet iterator-1 did not visit it and reader-1 read the old value 170.
inline History FixtureHistory() {
  History h;
  h.scenario = "03-lost-key";
  h.backend = "faulty-lose";
  h.guarantee = Guarantee::kWeak;
  h.seed = 7;
  h.thread_names = {"writer-1", "writer-2", "iterator-1", "reader-1"};
  h.initial = {{18, 180}};
  constexpr int64_t t = 73'400'000'000;  // the clock's own origin: ~73 s after boot
  auto op = [&](uint32_t thread, OpKind kind, int64_t call, int64_t ret, uint64_t key, uint64_t value, bool found) {
    Op o;
    o.thread = thread;
    o.kind = kind;
    o.call = t + call;
    o.ret = t + ret;
    o.key = key;
    o.value = value;
    o.found = found;
    h.ops.push_back(o);
  };
  op(0, OpKind::kStore, 1000, 1020, 17, 170, false);
  op(1, OpKind::kStore, 1050, 1060, 17, 171, false);
  op(3, OpKind::kLoad, 1200, 1210, 17, 170, true);
  op(1, OpKind::kErase, 1500, 1530, 17, 0, true);
  Op it;
  it.thread = 2;
  it.kind = OpKind::kIterate;
  it.call = t + 1100;
  it.ret = t + 1400;
  it.first_entry = 0;
  it.entry_count = 1;
  h.entries = {{18, 180}};
  h.ops.push_back(it);
  return h;
}

// The case `check` makes of FixtureHistory(): a missing key and a stale read, structured examples.
inline CaseReport FixtureCheckedCase() {
  History h = FixtureHistory();
  CaseReport r = FixtureBase(h.scenario, h.backend, h.guarantee);
  r.scenario_path = "histories/03-lost-key__faulty-lose__trial0.jsonl.gz";
  r.trials = r.trials_completed = 1;
  r.seed = h.seed;
  r.check = Check(h);
  for (const Op& o : h.ops) ++r.ops[static_cast<int>(o.kind)].count;
  r.status = Verdict(r);
  return r;
}

inline std::vector<CaseReport> FixtureCases() {
  std::vector<CaseReport> cases;

  CaseReport locked = FixtureBase("01-basic-iterate", "locked", Guarantee::kSnapshot);
  locked.check.iterations = 1234;
  locked.check.snapshot = 1234;
  locked.check.loads = 5000;
  locked.check.key_total = 78976;
  locked.check.events = 90000;
  locked.ops[static_cast<int>(OpKind::kStore)] = FixtureOps(50000, 1.0, 80);
  locked.ops[static_cast<int>(OpKind::kLoad)] = FixtureOps(5000, 1.0, 45);
  locked.ops[static_cast<int>(OpKind::kIterate)] = FixtureOps(1234, 1.0, 15000);
  cases.push_back(locked);

  CaseReport sharded = FixtureBase("01-basic-iterate", "sharded", Guarantee::kWeak);
  sharded.check.iterations = 1000;
  sharded.check.snapshot = 588;
  sharded.check.weak = 412;
  sharded.check.anomalies[static_cast<int>(Anomaly::kNotSnapshot)] = 412;
  sharded.check.iterations_with[static_cast<int>(Anomaly::kNotSnapshot)] = 412;
  sharded.check.key_total = 64000;
  sharded.check.events = 70000;
  sharded.check.examples.push_back(TextExample(Anomaly::kNotSnapshot, 0,
                                               "iterator-1 saw shard 2 before shard 5 changed",
                                               {"writer-3 erase key=40 [0.1s..0.2s]"}));
  sharded.ops[static_cast<int>(OpKind::kStore)] = FixtureOps(1200000, 1.0, 30);
  sharded.ops[static_cast<int>(OpKind::kIterate)] = FixtureOps(1000, 1.0, 4000);
  cases.push_back(sharded);

  cases.push_back(FixtureFailingCase());

  CaseReport inconclusive = FixtureBase("02-iterate-while-deleting", "locked", Guarantee::kSnapshot);
  inconclusive.status = CaseStatus::kInconclusive;
  inconclusive.message = "the clock could not be trusted: cross-core reads went backwards";
  inconclusive.trials_completed = 0;
  inconclusive.duration_s = 0;
  cases.push_back(inconclusive);

  CaseReport unsupported = FixtureBase("02-iterate-while-deleting", "sharded", Guarantee::kWeak);
  unsupported.status = CaseStatus::kUnsupported;
  unsupported.message =
      "sharded cannot iterate while keys are erased: its iterator is not safe against a concurrent erase "
      "(declared by the backend; --allow-unsafe runs it isolated)";
  unsupported.trials_completed = 0;
  unsupported.duration_s = 0;
  cases.push_back(unsupported);

  CaseReport crashed = FixtureBase("02-iterate-while-deleting", "unsafe", Guarantee::kWeak);
  crashed.status = CaseStatus::kFail;
  crashed.outcome = Outcome::kCrashed;
  crashed.signal = "SIGSEGV";
  crashed.isolated = true;
  crashed.trials_completed = 1;
  crashed.duration_s = 0.75;
  crashed.message = "free(): invalid pointer <0x55d0> & \"bad\"\x01\tend\nAborted";
  crashed.check.iterations = 40;
  crashed.check.snapshot = 40;
  crashed.check.key_total = 2000;
  crashed.check.events = 3000;
  crashed.ops[static_cast<int>(OpKind::kErase)] = FixtureOps(20000, 0.75, 70);
  crashed.ops[static_cast<int>(OpKind::kIterate)] = FixtureOps(40, 0.75, 9000);  // the 40 checked
  cases.push_back(crashed);
  return cases;
}

// A fresh folder under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && base[0] != '\0' ? base : "/tmp") + "/mapstress-test-XXXXXX";
    char* made = mkdtemp(pattern.data());
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The contents of every file in `dir` (a fuzz corpus), in directory order.
inline std::vector<std::string> FileContents(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

}  // namespace mapstress::fixtures
