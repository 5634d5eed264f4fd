// Checker throughput on a synthetic mixed history over a ~10k-key map.
// Usage: checker_bench [--events=N] [benchmark flags]; N defaults to 50 million. BM_Check/threads:T
// checks with T threads and prints check/pass, the ratio to one sequential pass over the history.
// Also: per-iteration cost against the size of the key space (BM_IterationCostVsKeySpace), and
// the cost of keeping examples when every key of every iteration is missing (BM_Examples...).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <string>

#include "check/checker.h"
#include "check/huge_pages.h"

namespace mapstress {
namespace {

uint64_t g_events = 50'000'000;

// Stores, erases and loads on 10k keys, each at its own linearization point with a random
// interval around it, plus atomic iterations of the whole map: about half the events are
// iteration entries. Every iteration should come out `snapshot`.
History MakeHistory(uint64_t events) {
  constexpr uint64_t kKeys = 10'000;
  constexpr int64_t kStep = 20;
  std::mt19937_64 rng(42);
  History h;
  h.thread_names = {"writer-1", "writer-2", "reader-1", "iterator-1"};
  std::vector<uint64_t> value(kKeys, 0);  // 0: absent
  uint64_t next_value = 1;
  for (uint64_t k = 0; k < kKeys; k += 2) {
    value[k] = next_value++;
    h.initial.push_back(Entry{k * 7919, value[k]});
  }
  h.ops.reserve(events / 2 + 1000);
  h.entries.reserve(events / 2 + kKeys);
  uint64_t produced = 0;
  int64_t p = 0;
  while (produced < events) {
    p += kStep;
    uint64_t r = rng();
    Op op;
    op.call = p - static_cast<int64_t>(r >> 60);
    op.ret = p + static_cast<int64_t>((r >> 56) & 15);
    uint64_t k = (r >> 8) % kKeys;
    op.key = k * 7919;
    int choice = static_cast<int>(r & 255);
    if (choice == 0 && (r >> 20) % 32 == 0) {  // about one iteration per 8k ops
      op.kind = OpKind::kIterate;
      op.thread = 3;
      op.first_entry = h.entries.size();
      for (uint64_t i = 0; i < kKeys; ++i) {
        if (value[i]) h.entries.push_back(Entry{i * 7919, value[i]});
      }
      op.entry_count = static_cast<uint32_t>(h.entries.size() - op.first_entry);
      op.call = p - 5;
      op.ret = p + 5;
      produced += op.entry_count;
    } else if (choice < 100) {
      op.kind = OpKind::kStore;
      op.thread = 0;
      op.value = next_value++;
      value[k] = op.value;
    } else if (choice < 140) {
      op.kind = OpKind::kErase;
      op.thread = 1;
      op.found = value[k] != 0;
      value[k] = 0;
    } else {
      op.kind = OpKind::kLoad;
      op.thread = 2;
      op.found = value[k] != 0;
      op.value = value[k];
    }
    h.ops.push_back(op);
    ++produced;
  }
  return h;
}

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1 where there is none.
double StatusKiB(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size() + 1, field + ":") == 0) {
      return std::strtod(line.c_str() + field.size() + 1, nullptr);
    }
  }
  return -1;
}

// Restarts the peak-RSS watermark (Linux: writing 5 to clear_refs); false if unsupported.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// The history every BM_Check run checks, generated once.
const History& SharedHistory() {
  static const History h = MakeHistory(g_events);
  return h;
}

uint64_t HistoryBytes(const History& h) { return h.ops.size() * sizeof(Op) + h.entries.size() * sizeof(Entry); }

// CPU seconds of this process so far, all threads (on a shared machine, wall time also counts
// the time other processes held the cores).
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The reference: one plain sequential read of a buffer of the history's size (the history's own
// arrays, so no extra memory), on one core. Returns seconds.
double SequentialPass(const History& h) {
  auto sum_words = [](const void* data, size_t bytes) {
    const auto* w = static_cast<const uint64_t*>(data);
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t n = bytes / 8, i = 0;
    for (; i + 4 <= n; i += 4) a += w[i], b += w[i + 1], c += w[i + 2], d += w[i + 3];
    for (; i < n; ++i) a += w[i];
    return a + b + c + d;
  };
  auto t0 = std::chrono::steady_clock::now();
  uint64_t x = sum_words(h.ops.data(), h.ops.size() * sizeof(Op)) +
               sum_words(h.entries.data(), h.entries.size() * sizeof(Entry));
  benchmark::DoNotOptimize(x);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double g_one_thread_s = 0;  // mean check time of the 1-thread run, for the speed-up

// One run per --check-threads value; each check is paired with a sequential pass right before
// it, and the ratio of their means is printed (target: <= 3 on one core).
void BM_Check(benchmark::State& state) {
  const History& h = SharedHistory();
  CheckOptions options;
  options.threads = static_cast<size_t>(state.range(0));
  uint64_t events = 0;
  CheckResult last;
  double pass_s = 0, check_s = 0, pass_cpu = 0, check_cpu = 0, first_s = 0, first_pass_s = 0;
  huge_pages::ReleaseKept();  // the first check maps fresh blocks; the later ones reuse them
  double rss_before = StatusKiB("VmRSS");
  bool peak_ok = ResetPeakRss();
  for (auto _ : state) {
    double c0 = ProcessCpuSeconds();
    const double one_pass_s = SequentialPass(h);
    pass_s += one_pass_s;
    double c1 = ProcessCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    last = Check(h, options);
    const double one_check_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    check_s += one_check_s;
    if (first_s == 0) first_s = one_check_s, first_pass_s = one_pass_s;
    check_cpu += ProcessCpuSeconds() - c1;
    pass_cpu += c1 - c0;
    events += last.events;
    benchmark::DoNotOptimize(last);
  }
  // Memory the checker needed on top of the history (and everything else already resident).
  const double history_mib = static_cast<double>(HistoryBytes(h)) / (1 << 20);
  if (peak_ok && rss_before > 0) {
    double extra = (StatusKiB("VmHWM") - rss_before) / 1024;
    state.counters["check_extra_MiB"] = extra;
    state.counters["extra/history"] = extra / history_mib;
  }
  uint64_t wrong = 0;
  for (uint64_t n : last.anomalies) wrong += n;
  if (wrong != 0 || last.snapshot != last.iterations) state.SkipWithError("anomalies found");
  const double runs = static_cast<double>(state.iterations());
  state.counters["events/s"] = static_cast<double>(events) / check_s;
  state.counters["check_s"] = check_s / runs;
  state.counters["pass_s"] = pass_s / runs;
  state.counters["check/pass"] = check_s / pass_s;
  // The first check's fresh blocks cost their first-touch page zeroing; the later ones' do not.
  state.counters["first_check_s"] = first_s;
  state.counters["first_check/pass"] = first_s / first_pass_s;
  if (runs > 1) {
    state.counters["later_check_s"] = (check_s - first_s) / (runs - 1);
    state.counters["later_check/pass"] = (check_s - first_s) / (pass_s - first_pass_s);
  }
  // The same in CPU time: the one-core target's ratio when the machine is shared.
  state.counters["check_cpu_s"] = check_cpu / runs;
  state.counters["pass_cpu_s"] = pass_cpu / runs;
  state.counters["cpu_check/pass"] = check_cpu / pass_cpu;
  state.counters["cpu/wall"] = check_cpu / check_s;  // threads busy on average
  if (options.threads == 1) g_one_thread_s = check_s / runs;
  if (g_one_thread_s > 0) state.counters["speedup_vs_1"] = g_one_thread_s / (check_s / runs);
  state.counters["events"] = static_cast<double>(last.events);
  state.counters["iterations"] = static_cast<double>(last.iterations);
  state.counters["history_MiB"] = history_mib;
}
BENCHMARK(BM_Check)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Per-iteration cost against the key space: `cold` keys are stored and erased before anything
// else (absent from then on), then `rounds` rounds of 20 stores to 1000 hot keys and one atomic
// iteration over them. The same history without its iterations is checked too; the difference
// per iteration must not grow with `cold`.
History MakeSparseHistory(uint64_t cold, int rounds, bool with_iterations) {
  constexpr uint64_t kHot = 1000;
  History h;
  h.thread_names = {"writer-1", "iterator-1"};
  std::vector<uint64_t> value(kHot);
  uint64_t next_value = 1;
  for (uint64_t k = 0; k < kHot; ++k) {
    value[k] = next_value++;
    h.initial.push_back(Entry{k, value[k]});
  }
  int64_t t = 0;
  auto add = [&](OpKind kind, uint64_t key, uint64_t v, bool found) {
    Op op;
    op.kind = kind;
    op.key = key;
    op.value = v;
    op.found = found;
    op.call = t;
    op.ret = t + 5;
    t += 10;
    h.ops.push_back(op);
  };
  for (uint64_t k = 0; k < cold; ++k) {
    add(OpKind::kStore, (uint64_t{1} << 40) + k, next_value++, false);
    add(OpKind::kErase, (uint64_t{1} << 40) + k, 0, true);
  }
  std::mt19937_64 rng(7);
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < 20; ++i) {
      uint64_t k = rng() % kHot;
      value[k] = next_value++;
      add(OpKind::kStore, k, value[k], false);
    }
    if (!with_iterations) continue;
    Op it;
    it.kind = OpKind::kIterate;
    it.thread = 1;
    it.first_entry = h.entries.size();
    for (uint64_t k = 0; k < kHot; ++k) h.entries.push_back(Entry{k, value[k]});
    it.entry_count = static_cast<uint32_t>(kHot);
    it.call = t;
    it.ret = t + 5;
    t += 10;
    h.ops.push_back(it);
  }
  return h;
}

void BM_IterationCostVsKeySpace(benchmark::State& state) {
  const auto cold = static_cast<uint64_t>(state.range(0));
  const auto rounds = static_cast<int>(state.range(1));
  History with = MakeSparseHistory(cold, rounds, true);
  History without = MakeSparseHistory(cold, rounds, false);
  double per_iteration_ns = 0;
  CheckResult last;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    last = Check(with);
    auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(Check(without));
    auto t2 = std::chrono::steady_clock::now();
    double diff = std::chrono::duration<double>((t1 - t0) - (t2 - t1)).count();
    state.SetIterationTime(std::max(diff, 1e-9));
    per_iteration_ns += diff * 1e9 / static_cast<double>(last.iterations);
  }
  if (last.snapshot != last.iterations || last.iterations != static_cast<uint64_t>(rounds))
    state.SkipWithError("not all snapshots");
  state.counters["keys"] = static_cast<double>(cold + 1000);
  state.counters["ns_per_iteration"] = per_iteration_ns / static_cast<double>(state.iterations());
  state.counters["ns_per_entry"] = per_iteration_ns / static_cast<double>(state.iterations()) / 1000;
}
BENCHMARK(BM_IterationCostVsKeySpace)
    ->Args({10'000, 10'000})
    ->Args({100'000, 10'000})
    ->Args({1'000'000, 10'000})
    ->Args({10'000, 40'000})
    ->Args({1'000'000, 40'000})
    ->ArgNames({"cold_keys", "rounds"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(5);

// Examples of a map that misses everything: 1,000 prefilled keys that nothing changes, and
// 20,000 iterations that each visit none of them (20M missing keys). The cost per missing key
// must not grow with --examples (it was O(examples²) with copies: 234 s at 100 examples for a
// 40 ms trial of such a map). `ns_per_missing` for 0, 3, 100 and 1000 examples.
void BM_ExamplesOfAMapThatMissesEverything(benchmark::State& state) {
  static const History h = [] {
    History out;
    out.thread_names = {"iterator-1"};
    for (uint64_t k = 0; k < 1000; ++k) out.initial.push_back(Entry{k, k + 1});
    for (int64_t i = 0; i < 20'000; ++i) {
      Op it;
      it.kind = OpKind::kIterate;
      it.call = 10 * i;
      it.ret = 10 * i + 5;
      out.ops.push_back(it);
    }
    return out;
  }();
  CheckOptions options;
  options.threads = 1;
  options.max_examples = static_cast<size_t>(state.range(0));
  CheckResult last;
  for (auto _ : state) last = Check(h, options);
  const uint64_t missing = last.anomalies[static_cast<int>(Anomaly::kMissing)];
  if (missing != 1000u * 20'000u) state.SkipWithError("expected every key missing from every iteration");
  state.counters["ns_per_missing"] =
      benchmark::Counter(static_cast<double>(missing) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["examples_kept"] = static_cast<double>(last.examples.size());
}
BENCHMARK(BM_ExamplesOfAMapThatMissesEverything)
    ->ArgName("examples")
    ->Arg(0)
    ->Arg(3)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace
}  // namespace mapstress

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--events=", 9) == 0) {
      mapstress::g_events = std::strtoull(argv[i] + 9, nullptr, 10);
      for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
      --argc;
      --i;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
