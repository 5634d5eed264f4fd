// Recording overhead: the engine driving the `locked` backend (mutex + std::unordered_map)
// with full history recording, against the same op streams on the same map with no
// recording at all, for several fence windows (0 = a fenced timestamp after every op), with
// --noise off and, at the default window, with each noise mode (its throughput cost).
//   build/release/tests/recording_bench   (counter `ratio` = median of recorded / bare ops/s;
//   with noise also `injector_ratio` and `total_ratio`, see BM_RecordingOverhead)
// BM_OpRingOverhead: the crash reports' op ring on against off (`ratio` = on / off ops/s).
// BM_RecordingParts: what each part of recording costs (clock reads, record stores).
// BM_LogWriteCost: the bare loop with a 16-byte store per op (plain, prefetched, into an L1 ring,
//   non-temporal, non-temporal whole lines) against without (the log's cache cost).
#include <benchmark/benchmark.h>
#include <immintrin.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "backend/backend_registry.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/preemption_injector.h"
#include "engine/thread_log.h"
#include "engine/workload.h"

namespace mapstress {
namespace {

constexpr uint64_t kOpsPerThread = 1'000'000;

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

// CPU seconds the process spent outside the calling thread since `Start`: the worker threads'
// time, which preemption by other processes on a shared machine does not inflate.
class WorkerCpu {
 public:
  WorkerCpu() { Read(&self_, &main_); }
  double Seconds() const {
    double self = 0, main = 0;
    Read(&self, &main);
    return (self - self_) - (main - main_);
  }

 private:
  static double Of(const rusage& u) {
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
  }
  static void Read(double* self, double* main) {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    *self = Of(u);
    getrusage(RUSAGE_THREAD, &u);
    *main = Of(u);
  }
  double self_ = 0, main_ = 0;
};

const BackendInfo& Locked() {
  static BackendRegistry registry = BackendRegistry::BuiltIn();
  return *registry.Find("locked");
}

// The engine, recording everything; seconds from the first call to the last return.
double EngineSeconds(const Scenario& s, int64_t window_ns, NoiseMode noise, uint64_t* ops, uint64_t* fences,
                     bool op_rings = true, uint64_t* log_bytes = nullptr, double* cpu_s = nullptr) {
  RunSettings settings;
  settings.fence_window = Nanos{window_ns};
  settings.noise = noise;
  settings.op_rings = op_rings;
  settings.log_bytes = log_bytes;
  WorkerCpu cpu;
  History h = RunTrial(s, Locked(), settings, 0);
  if (cpu_s) *cpu_s = cpu.Seconds();
  int64_t first = INT64_MAX, last = 0;
  for (const Op& op : h.ops) {
    first = std::min(first, op.call);
    last = std::max(last, op.ret);
  }
  *ops += h.ops.size();
  for (size_t i = 0; i < h.ops.size(); ++i) *fences += i == 0 || h.ops[i].ret != h.ops[i - 1].ret;
  return static_cast<double>(last - first) * 1e-9;
}

// kRing: the same store into a 4 KiB ring that stays in L1 (the store without fresh memory);
// kStream: a non-temporal store (bypasses the caches); kLines: records staged in one cache line
// and written out as a whole line of non-temporal stores every 4 ops.
enum class BareLog { kNone, kPlain, kPrefetch, kRing, kStream, kLines };

// One record written with a non-temporal store (past the caches).
void StreamRecord(LogRecord* to, const LogRecord& record) {
  __m128i bits;
  std::memcpy(&bits, &record, sizeof bits);
  _mm_stream_si128(reinterpret_cast<__m128i*>(to), bits);
}

// The bare loop: the engine's op streams and store values on the same kind of map, no
// timestamps and no log (`kLog`: plus one 16-byte store per op into a prefaulted buffer, one
// of the ways BareLog lists, to time the log's cache cost alone). With noise, the engine's
// preemption injector runs as it does for a trial. Seconds from the first thread's start to the
// last one's end (TSC), like the engine's first call to last return; thread start and join
// stay outside, for both.
template <BareLog kLog = BareLog::kNone>
double BareSeconds(const Scenario& s, uint32_t threads, uint64_t* ops, double* cpu_s = nullptr,
                   NoiseMode noise = NoiseMode::kOff) {
  std::vector<std::unique_ptr<ThreadLog>> buffers;
  for (uint32_t t = 0; t < threads && kLog != BareLog::kNone; ++t) {
    buffers.push_back(std::make_unique<ThreadLog>(kOpsPerThread + 16));
    buffers.back()->Prefault(kOpsPerThread + 16);
  }
  auto map = Locked().create(BackendOptions{.capacity_hint = s.keys.count});
  for (uint64_t k = 0; k < s.keys.prefill; ++k) map->Store(k, PrefillValue(0, k));
  std::atomic<bool> go{false};
  std::atomic<uint32_t> ready{0};
  std::atomic<uint64_t> sink{0}, first{UINT64_MAX}, last{0};
  std::vector<std::thread> workers;
  for (uint32_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      OpStream stream(s, 0, t, *s.seed, 0);
      uint64_t seq = 1, local = 0;
      [[maybe_unused]] alignas(64) LogRecord stage[4];  // kLines
      LogRecord* out = kLog == BareLog::kNone ? nullptr : const_cast<LogRecord*>(buffers[t]->begin());
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      const uint64_t start = ReadUnfencedTicks();
      for (uint64_t i = 0; i < kOpsPerThread; ++i) {
        PlannedOp op = stream.Next();
        uint64_t v = 0;
        switch (op.kind) {
          case OpKind::kStore: map->Store(op.key, v = EncodeValue(0, t + 1, seq++)); break;
          case OpKind::kErase: local += map->Erase(op.key); break;
          case OpKind::kLoad: local += map->Load(op.key, &v) ? v : 0; break;
          case OpKind::kIterate: break;
        }
        if constexpr (kLog == BareLog::kPrefetch) {
          __builtin_prefetch(reinterpret_cast<const char*>(&out[i]) + kPrefetchAhead, 1, 3);
        }
        const LogRecord rec{v, static_cast<uint32_t>(op.key), static_cast<uint32_t>(op.kind)};
        if constexpr (kLog == BareLog::kPlain || kLog == BareLog::kPrefetch) out[i] = rec;
        if constexpr (kLog == BareLog::kRing) out[i % 256] = rec;
        if constexpr (kLog == BareLog::kLines) {
          stage[i % 4] = rec;
          if (i % 4 == 3) {
            for (int q = 0; q < 4; ++q) StreamRecord(&out[i - 3 + q], stage[q]);
          }
        }
        if constexpr (kLog == BareLog::kStream) StreamRecord(&out[i], rec);
      }
      const uint64_t end = ReadUnfencedTicks();
      sink.fetch_add(local);
      uint64_t f = first.load();
      while (start < f && !first.compare_exchange_weak(f, start)) {
      }
      uint64_t l = last.load();
      while (end > l && !last.compare_exchange_weak(l, end)) {
      }
    });
  }
  std::optional<PreemptionInjector> injector;  // as RunTrial starts it: before the gate opens
  injector.emplace(noise, MixHash(*s.seed ^ 0x70726565ull), threads);
  WorkerCpu cpu;
  while (ready.load() < threads) {
  }
  go.store(true, std::memory_order_release);
  for (auto& w : workers) w.join();
  if (cpu_s) *cpu_s = cpu.Seconds();
  injector.reset();
  benchmark::DoNotOptimize(sink.load());
  *ops += uint64_t{threads} * kOpsPerThread;
  return static_cast<double>(last.load() - first.load()) / TicksPerNano() * 1e-9;
}

struct Ratios {
  std::vector<double> v;
  void Set(benchmark::State& state, const std::string& name) {
    std::sort(v.begin(), v.end());
    state.counters[name] = v[v.size() / 2];
    state.counters[name + "_min"] = v.front();
    state.counters[name + "_max"] = v.back();
  }
};

// Each iteration runs the bare loop and the engine on the same op streams, back to back
// (rotating which goes first), after one untimed warm-up pair, so machine noise hits both
// alike. Counters: bare and recorded ops/s over all pairs, `ratio` = the median of the pairs'
// recorded / bare throughput (the overhead ratio), with the lowest and highest pair;
// `cpu_ratio` (min, max) the same from the worker threads' CPU time (getrusage), which other
// processes' preemptions on a shared machine do not distort; `bytes_per_op` = history log bytes
// used per recorded op (memory). With noise, the bare loop runs under the same preemption
// injector (so `ratio` is recording's cost under that noise), and a third run without it gives
// `injector_ratio` (bare with / without the injector: the noise's own cost) and `total_ratio`
// (recorded with noise / bare without: what these settings cost altogether). Time = the engine's.
void BM_RecordingOverhead(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  const auto threads = static_cast<uint32_t>(state.range(0));
  const int64_t window_ns = state.range(1);
  const auto noise = static_cast<NoiseMode>(state.range(2));
  Scenario s = OverheadScenario(threads);
  uint64_t bare_ops = 0, engine_ops = 0, fences = 0, log_bytes = 0, unused = 0;
  double bare_s = 0, engine_s = 0;
  Ratios ratio, cpu_ratio, injector_ratio, total_ratio;
  const int runs = noise == NoiseMode::kOff ? 2 : 3;
  EngineSeconds(s, window_ns, noise, &unused, &unused);  // warm-up: allocator, page cache, caches
  BareSeconds(s, threads, &unused, nullptr, noise);
  int order = 0;
  for (auto _ : state) {
    uint64_t b_ops = 0, e_ops = 0, q_ops = 0;
    double b = 0, e = 0, q = 0, b_cpu = 0, e_cpu = 0;
    for (int k = 0; k < runs; ++k) {
      switch ((k + order) % runs) {
        case 0: b = BareSeconds(s, threads, &b_ops, &b_cpu, noise); break;
        case 1: e = EngineSeconds(s, window_ns, noise, &e_ops, &fences, true, &log_bytes, &e_cpu); break;
        default: q = BareSeconds(s, threads, &q_ops); break;
      }
    }
    ++order;
    const double bare_rate = static_cast<double>(b_ops) / b, engine_rate = static_cast<double>(e_ops) / e;
    ratio.v.push_back(engine_rate / bare_rate);
    cpu_ratio.v.push_back((static_cast<double>(e_ops) / e_cpu) / (static_cast<double>(b_ops) / b_cpu));
    if (runs == 3) {
      injector_ratio.v.push_back(bare_rate / (static_cast<double>(q_ops) / q));
      total_ratio.v.push_back(engine_rate / (static_cast<double>(q_ops) / q));
    }
    bare_s += b;
    engine_s += e;
    bare_ops += b_ops;
    engine_ops += e_ops;
    state.SetIterationTime(e);
  }
  state.counters["bare_ops_per_s"] = static_cast<double>(bare_ops) / bare_s;
  state.counters["recorded_ops_per_s"] = static_cast<double>(engine_ops) / engine_s;
  ratio.Set(state, "ratio");
  cpu_ratio.Set(state, "cpu_ratio");
  if (runs == 3) {
    injector_ratio.Set(state, "injector_ratio");
    total_ratio.Set(state, "total_ratio");
  }
  state.counters["bytes_per_op"] = static_cast<double>(log_bytes) / static_cast<double>(engine_ops);
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
    ->Iterations(31);

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

// Where a recorded op's time goes: the cost of each clock read and of one record store, in ns
// (ticks / TicksPerNano), each the mean of a loop of 4M: `unfenced_ns` (rdtsc), `call_ns`
// (rdtsc; lfence), `return_ns` (lock or; lfence; rdtsc), `boundary_ns` (both), `store_ns` (one
// PendingPoint into a prefaulted log), `store_first_touch_ns` (into a log that was never touched:
// its page faults), and `bare_op_ns`, the locked map's op in the bare loop, for scale.
void BM_RecordingParts(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  constexpr uint64_t kN = 4'000'000;
  const double tpn = TicksPerNano();
  auto per = [&](uint64_t t0, uint64_t t1) { return static_cast<double>(t1 - t0) / tpn / kN; };
  uint64_t sink = 0;
  for (auto _ : state) {
    uint64_t t0 = ReadUnfencedTicks();
    for (uint64_t i = 0; i < kN; ++i) benchmark::DoNotOptimize(sink += ReadUnfencedTicks());
    uint64_t t1 = ReadUnfencedTicks();
    for (uint64_t i = 0; i < kN; ++i) benchmark::DoNotOptimize(sink += ReadCallTicks());
    uint64_t t2 = ReadUnfencedTicks();
    for (uint64_t i = 0; i < kN; ++i) benchmark::DoNotOptimize(sink += ReadReturnTicks());
    uint64_t t3 = ReadUnfencedTicks();
    for (uint64_t i = 0; i < kN; ++i) benchmark::DoNotOptimize(sink += ReadBoundaryTicks());
    uint64_t t4 = ReadUnfencedTicks();
    state.counters["unfenced_ns"] = per(t0, t1);
    state.counters["call_ns"] = per(t1, t2);
    state.counters["return_ns"] = per(t2, t3);
    state.counters["boundary_ns"] = per(t3, t4);
    for (bool prefault : {true, false}) {
      ThreadLog log(kN + 16);
      if (prefault) log.Prefault(kN);
      uint64_t s0 = ReadUnfencedTicks();
      for (uint64_t i = 0; i < kN; ++i) log.PendingPoint(kRecLoad, i & 1023, i, (i & 1) != 0, 0, 0);
      uint64_t s1 = ReadUnfencedTicks();
      benchmark::DoNotOptimize(log.end());
      state.counters[prefault ? "store_ns" : "store_first_touch_ns"] = per(s0, s1);
    }
    Scenario s = OverheadScenario(1);
    uint64_t ops = 0;
    state.counters["bare_op_ns"] = BareSeconds(s, 1, &ops) * 1e9 / static_cast<double>(ops);
  }
}

// The log's cache cost alone: the bare loop plus a 16-byte store per op, each way BareLog lists
// (`plain_ratio`, `prefetch_ratio`, `ring_ratio`, `stream_ratio`, `lines_ratio`), against the
// bare loop: each the median throughput ratio of runs back to back, rotating the order (with
// min and max).
void BM_LogWriteCost(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  const auto threads = static_cast<uint32_t>(state.range(0));
  Scenario s = OverheadScenario(threads);
  static constexpr const char* kNames[] = {"plain_ratio", "prefetch_ratio", "ring_ratio", "stream_ratio",
                                           "lines_ratio"};
  static constexpr int kModes = 6;  // the bare loop, then kNames' ways
  Ratios ratios[kModes - 1];
  int order = 0;
  for (auto _ : state) {
    double t[kModes] = {};
    for (int k = 0; k < kModes; ++k) {
      uint64_t ops = 0;
      switch (const int mode = (k + order) % kModes) {
        case 0: t[mode] = BareSeconds(s, threads, &ops); break;
        case 1: t[mode] = BareSeconds<BareLog::kPlain>(s, threads, &ops); break;
        case 2: t[mode] = BareSeconds<BareLog::kPrefetch>(s, threads, &ops); break;
        case 3: t[mode] = BareSeconds<BareLog::kRing>(s, threads, &ops); break;
        case 4: t[mode] = BareSeconds<BareLog::kStream>(s, threads, &ops); break;
        default: t[mode] = BareSeconds<BareLog::kLines>(s, threads, &ops); break;
      }
    }
    ++order;
    for (int m = 1; m < kModes; ++m) ratios[m - 1].v.push_back(t[0] / t[m]);
    state.SetIterationTime(t[0]);
  }
  for (int m = 1; m < kModes; ++m) ratios[m - 1].Set(state, kNames[m - 1]);
}

BENCHMARK(BM_LogWriteCost)->Arg(1)->Arg(2)->ArgNames({"threads"})->UseManualTime()->Iterations(21);

BENCHMARK(BM_RecordingParts)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace mapstress

BENCHMARK_MAIN();
