// Recording overhead: the engine driving the `locked` backend (mutex + std::unordered_map)
// with full history recording, against the same op streams on the same map with no
// recording at all, for several fence windows (0 = a fenced timestamp after every op), with
// --noise off and, at the default window, with each noise mode (its throughput cost).
//   build/release/tests/recording_bench   (counter `ratio` = median of recorded / bare ops/s)
// BM_OpRingOverhead: the crash reports' op ring on against off (`ratio` = on / off ops/s).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "backend/backend_registry.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/thread_log.h"
#include "engine/workload.h"

namespace mapstress {
namespace {

constexpr uint64_t kOpsPerThread = 2'000'000;

Scenario OverheadScenario(uint32_t threads) {
  Scenario s;
  s.name = "recording-overhead";
  s.keys.count = 10000;
  s.keys.prefill = 5000;
  s.seed = 1;
  ThreadGroup g;
  g.role = Role::kMixed;
  g.count = threads;
  g.ops = kOpsPerThread;
  g.mix = OpMix{.store = 20, .update = 10, .erase = 10, .load = 60, .iterate = 0};
  s.threads = {g};
  return s;
}

const BackendInfo& Locked() {
  static BackendRegistry registry = BackendRegistry::BuiltIn();
  return *registry.Find("locked");
}

// The engine, recording everything; seconds from the first call to the last return.
double EngineSeconds(const Scenario& s, int64_t window_ns, NoiseMode noise, uint64_t* ops, uint64_t* fences,
                     bool op_rings = true) {
  RunSettings settings;
  settings.fence_window = Nanos{window_ns};
  settings.noise = noise;
  settings.op_rings = op_rings;
  History h = RunTrial(s, Locked(), settings, 0);
  int64_t first = INT64_MAX, last = 0;
  for (const Op& op : h.ops) {
    first = std::min(first, op.call);
    last = std::max(last, op.ret);
  }
  *ops += h.ops.size();
  for (size_t i = 0; i < h.ops.size(); ++i) *fences += i == 0 || h.ops[i].ret != h.ops[i - 1].ret;
  return static_cast<double>(last - first) * 1e-9;
}

// The same op streams on the same kind of map, no timestamps and no log.
double BareSeconds(const Scenario& s, uint32_t threads, uint64_t* ops) {
  auto map = Locked().create(BackendOptions{.capacity_hint = s.keys.count});
  for (uint64_t k = 0; k < s.keys.prefill; ++k) map->Store(k, PrefillValue(0, k));
  std::atomic<bool> go{false};
  std::atomic<uint32_t> ready{0};
  std::atomic<uint64_t> sink{0};
  std::vector<std::thread> workers;
  for (uint32_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      OpStream stream(s, 0, t, *s.seed, 0);
      uint64_t seq = 1, local = 0;
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      for (uint64_t i = 0; i < kOpsPerThread; ++i) {
        PlannedOp op = stream.Next();
        uint64_t v = 0;
        switch (op.kind) {
          case OpKind::kStore: map->Store(op.key, EncodeValue(0, t + 1, seq++)); break;
          case OpKind::kErase: local += map->Erase(op.key); break;
          case OpKind::kLoad: local += map->Load(op.key, &v) ? v : 0; break;
          case OpKind::kIterate: break;
        }
      }
      sink.fetch_add(local);
    });
  }
  while (ready.load() < threads) {
  }
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& w : workers) w.join();
  benchmark::DoNotOptimize(sink.load());
  *ops += uint64_t{threads} * kOpsPerThread;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Each iteration runs the bare loop and then the engine on the same op streams, back to back,
// so machine noise hits both alike. Counters: bare and recorded ops/s over all pairs, `ratio` =
// the median of the pairs' recorded / bare throughput (the overhead ratio), with the
// lowest and highest pair. Time = the engine's.
void BM_RecordingOverhead(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  const auto threads = static_cast<uint32_t>(state.range(0));
  const int64_t window_ns = state.range(1);
  const auto noise = static_cast<NoiseMode>(state.range(2));
  Scenario s = OverheadScenario(threads);
  uint64_t bare_ops = 0, engine_ops = 0, fences = 0;
  double bare_s = 0, engine_s = 0;
  std::vector<double> ratios;
  for (auto _ : state) {
    uint64_t b_ops = 0, e_ops = 0;
    double b = BareSeconds(s, threads, &b_ops);
    double e = EngineSeconds(s, window_ns, noise, &e_ops, &fences);
    ratios.push_back((static_cast<double>(e_ops) / e) / (static_cast<double>(b_ops) / b));
    bare_s += b;
    engine_s += e;
    bare_ops += b_ops;
    engine_ops += e_ops;
    state.SetIterationTime(e);
  }
  std::sort(ratios.begin(), ratios.end());
  state.counters["bare_ops_per_s"] = static_cast<double>(bare_ops) / bare_s;
  state.counters["recorded_ops_per_s"] = static_cast<double>(engine_ops) / engine_s;
  state.counters["ratio"] = ratios[ratios.size() / 2];
  state.counters["ratio_min"] = ratios.front();
  state.counters["ratio_max"] = ratios.back();
  state.counters["bytes_per_op"] = sizeof(LogRecord);
  state.counters["ops_per_fence"] = static_cast<double>(engine_ops) / static_cast<double>(fences);
}

BENCHMARK(BM_RecordingOverhead)
    ->ArgsProduct({{1, 2}, {0, 500, 1000, 2000, 10000}, {static_cast<int64_t>(NoiseMode::kOff)}})
    ->ArgsProduct({{1, 2},
                   {2000},
                   {static_cast<int64_t>(NoiseMode::kLight), static_cast<int64_t>(NoiseMode::kHeavy),
                    static_cast<int64_t>(NoiseMode::kPct)}})
    ->ArgNames({"threads", "fence_window_ns", "noise"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(9);

// The crash reports' per-thread ring of started ops: the engine with it on against the engine
// with it off, back to back in each iteration, alternating which goes first. `ratio` = the
// median of the pairs' on / off throughput.
void BM_OpRingOverhead(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  const auto threads = static_cast<uint32_t>(state.range(0));
  Scenario s = OverheadScenario(threads);
  std::vector<double> ratios;
  uint64_t fences = 0, on_ops = 0, off_ops = 0;
  double on_s = 0, off_s = 0;
  bool on_first = true;
  for (auto _ : state) {
    uint64_t a = 0, b = 0;
    double on = 0, off = 0;
    if (on_first) {
      on = EngineSeconds(s, 2000, NoiseMode::kOff, &a, &fences, true);
      off = EngineSeconds(s, 2000, NoiseMode::kOff, &b, &fences, false);
    } else {
      off = EngineSeconds(s, 2000, NoiseMode::kOff, &b, &fences, false);
      on = EngineSeconds(s, 2000, NoiseMode::kOff, &a, &fences, true);
    }
    on_first = !on_first;
    ratios.push_back((static_cast<double>(a) / on) / (static_cast<double>(b) / off));
    on_s += on;
    off_s += off;
    on_ops += a;
    off_ops += b;
    state.SetIterationTime(on);
  }
  std::sort(ratios.begin(), ratios.end());
  state.counters["ring_on_ops_per_s"] = static_cast<double>(on_ops) / on_s;
  state.counters["ring_off_ops_per_s"] = static_cast<double>(off_ops) / off_s;
  state.counters["ratio"] = ratios[ratios.size() / 2];
  state.counters["ratio_min"] = ratios.front();
  state.counters["ratio_max"] = ratios.back();
}

BENCHMARK(BM_OpRingOverhead)
    ->Arg(1)
    ->Arg(2)
    ->ArgNames({"threads"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(10);

}  // namespace
}  // namespace mapstress

BENCHMARK_MAIN();
