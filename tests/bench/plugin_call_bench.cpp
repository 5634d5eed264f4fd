// Per-op cost of calling a plugin backend through the C ABI from C++ threads: Load and Store on
// the C example plugin and on each Go toolchain's plugin (each call into Go is a cgo callback),
// then, per Go toolchain, the same op loop written in plain Go (mapstress_go_native_loop: the
// same map, threads and key stream) and the ratio of the two.
// Each plugin is measured in its own child process: one Go runtime per process.
//   build/release/tests/plugin_call_bench --benchmark_min_time=0.5
//   build/release/tests/plugin_call_bench --plugin=PATH   (one plugin, in this process)
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../go_plugin_list.h"
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

// The bench's op loop on `threads` C++ threads through the plugin; returns wall-clock seconds.
double CxxLoop(Map* map, int op, int threads, uint64_t ops) {
  std::vector<std::thread> pool;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<uint64_t> sink{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      map->AttachThread();
      uint64_t key = static_cast<uint64_t>(t) * 7, sum = 0, value = 0;
      ready.fetch_add(1);
      while (!go.load()) {
      }
      for (uint64_t i = 0; i < ops; ++i, ++key) {
        if (op == 0) {
          map->Load(key & (kKeys - 1), &value);
          sum += value;
        } else {
          map->Store(key & (kKeys - 1), key);
        }
      }
      sink.fetch_add(sum);
      map->DetachThread();
    });
  }
  while (ready.load() < threads) {
  }
  auto start = std::chrono::steady_clock::now();
  go.store(true);
  for (auto& th : pool) th.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Through mapstress vs plain Go, for each backend of a Go plugin exporting the native loop.
void CompareWithNativeGo(const std::string& path, const std::vector<BackendInfo>& backends) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  using NativeFn = double (*)(const char*, int, int, uint64_t, uint64_t);
  auto native = handle ? reinterpret_cast<NativeFn>(dlsym(handle, "mapstress_go_native_loop")) : nullptr;
  if (native == nullptr) return;
  constexpr uint64_t kOps = 400000;
  std::printf("\n%-22s %-5s %7s %13s %13s %7s   (through mapstress / plain Go, same loop)\n", "backend", "op",
              "threads", "C++ Mops/s", "Go Mops/s", "ratio");
  for (const BackendInfo& b : backends) {
    for (int op = 0; op < 2; ++op) {
      for (int threads : {1, 2}) {
        if (b.guarantee == Guarantee::kNone && threads > 1) continue;  // plain map: racing kills it
        BackendOptions options;
        options.capacity_hint = kKeys;
        std::unique_ptr<Map> map = b.create(options);
        for (uint64_t k = 0; k < kKeys; ++k) map->Store(k, k);
        double cxx = CxxLoop(map.get(), op, threads, kOps);
        double go = native(b.name.c_str(), op, threads, kOps, kKeys);
        double total = static_cast<double>(kOps) * threads;
        std::printf("%-22s %-5s %7d %13.2f %13.2f %7.2f\n", b.name.c_str(), op == 0 ? "load" : "store", threads,
                    total / cxx / 1e6, total / go / 1e6, go / cxx);
      }
    }
  }
  std::fflush(stdout);
}

// Loads one plugin's backends into this process and registers its benchmarks.
std::vector<std::unique_ptr<Map>>* RegisterPlugin(const std::string& path, std::vector<BackendInfo>* loaded) {
  static std::vector<std::unique_ptr<Map>> maps;
  std::string error;
  if (path.empty() || !LoadPlugin(path, loaded, &error)) {
    std::fprintf(stderr, "skipping plugin '%s': %s\n", path.c_str(), error.c_str());
    return &maps;
  }
  for (const BackendInfo& b : *loaded) {
    BackendOptions options;
    options.capacity_hint = kKeys;
    maps.push_back(b.create(options));
    Map* map = maps.back().get();
    for (uint64_t k = 0; k < kKeys; ++k) map->Store(k, k);
    // A plain Go map has no synchronisation: concurrent stores would kill the process by design.
    int max_threads = b.guarantee == Guarantee::kNone ? 1 : 4;
    auto* load = benchmark::RegisterBenchmark(("Load/" + b.name).c_str(), BenchLoad, map);
    auto* store = benchmark::RegisterBenchmark(("Store/" + b.name).c_str(), BenchStore, map);
    for (auto* bench : {load, store}) bench->ThreadRange(1, max_threads)->UseRealTime();
  }
  return &maps;
}

// The plugins to measure: the C example, then each Go toolchain's.
std::vector<std::string> AllPlugins() {
  std::vector<std::string> out = {MAPSTRESS_C_TABLE_PLUGIN};
  for (const std::string& go : GoPluginList()) out.push_back(go);
  return out;
}

}  // namespace
}  // namespace mapstress

int main(int argc, char** argv) {
  std::string plugin;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--plugin=", 9) == 0) {
      plugin = argv[i] + 9;
    } else {
      args.push_back(argv[i]);
    }
  }
  if (plugin.empty()) {
    // One child per plugin, with the same benchmark flags.
    int failed = 0;
    for (const std::string& path : mapstress::AllPlugins()) {
      std::fflush(stdout);
      pid_t pid = fork();
      if (pid == 0) {
        std::vector<char*> child(args.begin(), args.end());
        std::string flag = "--plugin=" + path;
        child.push_back(flag.data());
        child.push_back(nullptr);
        execv("/proc/self/exe", child.data());
        _exit(127);
      }
      int status = 0;
      waitpid(pid, &status, 0);
      failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    return failed == 0 ? 0 : 1;
  }
  int count = static_cast<int>(args.size());
  std::vector<mapstress::BackendInfo> backends;
  mapstress::RegisterPlugin(plugin, &backends);
  benchmark::Initialize(&count, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!backends.empty()) mapstress::CompareWithNativeGo(plugin, backends);
  return 0;
}
