// Per-op cost of calling a plugin backend through the C ABI from C++ threads: Load and Store
// on the C example plugin against the Go plugin (each call into Go is a cgo callback).
// Report: ns/op (real time per iteration) per backend and thread count.
//   build/release/tests/plugin_call_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "plugin/plugin_loader.h"

namespace mapstress {
namespace {

constexpr uint64_t kKeys = 1024;  // small and prefilled: measures the call, not cache misses

void BenchLoad(benchmark::State& state, Map* map) {
  map->AttachThread();
  uint64_t key = static_cast<uint64_t>(state.thread_index()) * 7;
  uint64_t sum = 0;
  for (auto _ : state) {
    uint64_t value = 0;
    map->Load(key++ & (kKeys - 1), &value);
    sum += value;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  map->DetachThread();
}

void BenchStore(benchmark::State& state, Map* map) {
  map->AttachThread();
  uint64_t key = static_cast<uint64_t>(state.thread_index()) * 7;
  for (auto _ : state) {
    map->Store(key & (kKeys - 1), key);
    ++key;
  }
  state.SetItemsProcessed(state.iterations());
  map->DetachThread();
}

// Loads each plugin's backends into this process (fine in a benchmark: nothing forks later).
std::vector<std::unique_ptr<Map>>* RegisterPlugin(const std::string& path) {
  static std::vector<std::unique_ptr<Map>> maps;
  std::vector<BackendInfo> backends;
  std::string error;
  if (path.empty() || !LoadPlugin(path, &backends, &error)) {
    std::fprintf(stderr, "skipping plugin '%s': %s\n", path.c_str(), error.c_str());
    return &maps;
  }
  for (const BackendInfo& b : backends) {
    BackendOptions options;
    options.capacity_hint = kKeys;
    maps.push_back(b.create(options));
    Map* map = maps.back().get();
    for (uint64_t k = 0; k < kKeys; ++k) map->Store(k, k);
    // go-map has no synchronisation: concurrent stores would kill the process by design.
    int max_threads = b.guarantee == Guarantee::kNone ? 1 : 4;
    auto* load = benchmark::RegisterBenchmark(("Load/" + b.name).c_str(), BenchLoad, map);
    auto* store = benchmark::RegisterBenchmark(("Store/" + b.name).c_str(), BenchStore, map);
    for (auto* bench : {load, store}) bench->ThreadRange(1, max_threads)->UseRealTime();
  }
  return &maps;
}

}  // namespace
}  // namespace mapstress

int main(int argc, char** argv) {
  mapstress::RegisterPlugin(MAPSTRESS_C_TABLE_PLUGIN);
  mapstress::RegisterPlugin(MAPSTRESS_GO_PLUGIN);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
