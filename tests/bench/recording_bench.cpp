// Recording overhead: the engine driving the `locked` backend (mutex + std::unordered_map)
// with full history recording, against the same op streams on the same map with no
// recording at all. Report: items_per_second of each; overhead ratio = recorded / bare.
//   build/release/tests/recording_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

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

// The engine, recording everything; time = first call to last return of the history.
void BM_EngineRecording(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  Scenario s = OverheadScenario(static_cast<uint32_t>(state.range(0)));
  uint64_t ops = 0;
  for (auto _ : state) {
    History h = RunTrial(s, Locked(), RunSettings{}, 0);
    int64_t first = INT64_MAX, last = 0;
    for (const Op& op : h.ops) {
      first = std::min(first, op.call);
      last = std::max(last, op.ret);
    }
    state.SetIterationTime(static_cast<double>(last - first) * 1e-9);
    ops += h.ops.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(ops));
  state.counters["bytes_per_op"] = sizeof(LogRecord);
}

// The same op streams on the same kind of map, no timestamps and no log.
void BM_BareOpLoop(benchmark::State& state) {
  static ClockCheck clock = InitClock();
  uint32_t threads = static_cast<uint32_t>(state.range(0));
  Scenario s = OverheadScenario(threads);
  uint64_t ops = 0;
  for (auto _ : state) {
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
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    benchmark::DoNotOptimize(sink.load());
    ops += uint64_t{threads} * kOpsPerThread;
  }
  state.SetItemsProcessed(static_cast<int64_t>(ops));
}

BENCHMARK(BM_BareOpLoop)->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_EngineRecording)->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace mapstress

BENCHMARK_MAIN();
