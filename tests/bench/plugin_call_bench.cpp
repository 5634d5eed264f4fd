// Per-op cost of calling a plugin backend through the C ABI from C++ threads: Load and Store on
// the C example plugin and on each Go toolchain's plugin (each call into Go is a cgo callback),
// then, per Go toolchain, a paired table in one process: the op loop with one call per op, the
// engine recording it (one call per op, then in batches: mapstress_batch_for), and the same loop
// written in plain Go (mapstress_go_native_loop: same map, threads and key stream); `ratio` is
// the engine's recorded batched ops/s over plain Go's.
// Each plugin is measured in its own child process: one Go runtime per process.
//   build/release/tests/plugin_call_bench --benchmark_min_time=0.5
//   build/release/tests/plugin_call_bench --plugin=PATH   (one plugin, in this process)
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <sys/wait.h>
#include <time.h>
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
#include "engine/clock.h"
#include "engine/engine.h"
#include "plugin/plugin_loader.h"

namespace mapstress {
namespace {

constexpr uint64_t kKeys = 1024;  // small and prefilled: measures the call, not cache misses

void BenchLoad(benchmark::State& state, Map* map) {
  map->AttachThread();
  uint64_t key = static_cast<uint64_t>(state.thread_index()) * 7;  // here any stream will do
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

// Loads in calls of state.range(0) ops (plugins with mapstress_batch_for); items = ops.
void BenchBatchLoad(benchmark::State& state, Map* map) {
  map->AttachThread();
  const auto count = static_cast<uint32_t>(state.range(0));
  std::vector<BatchOp> ops(count);
  uint64_t key = static_cast<uint64_t>(state.thread_index()) * 7, sum = 0;
  for (auto _ : state) {
    for (BatchOp& op : ops) op = BatchOp{key++ & (kKeys - 1), 0, static_cast<uint32_t>(OpKind::kLoad), 0};
    map->RunBatch(ops.data(), count);
    sum += ops[0].value;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * count);
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
      uint64_t key = static_cast<uint64_t>(t), sum = 0, value = 0;  // the engine's sequential order
      ready.fetch_add(1);
      while (!go.load()) {
      }
      for (uint64_t i = 0; i < ops; ++i, key += static_cast<uint64_t>(threads)) {
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

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Forwards to a plugin's map and sums its worker threads' CPU time from their first op to
// DetachThread (after their last one): the engine's CPU cost per op, on a shared machine too.
// The first op's call is counted (a thread's first cgo call is dearer), like plain Go's first op.
class CpuTimedMap final : public Map {
 public:
  CpuTimedMap(std::unique_ptr<Map> inner, std::atomic<double>* cpu)
      : inner_(std::move(inner)), cpu_(cpu), owner_(std::this_thread::get_id()) {}
  void Store(uint64_t key, uint64_t value) override {
    Started();
    inner_->Store(key, value);
  }
  bool Erase(uint64_t key) override {
    Started();
    return inner_->Erase(key);
  }
  bool Load(uint64_t key, uint64_t* value) override {
    Started();
    return inner_->Load(key, value);
  }
  void Iterate(const Visitor& visit) override { inner_->Iterate(visit); }
  bool HasBatch() const override { return inner_->HasBatch(); }
  void RunBatch(BatchOp* ops, uint32_t count) override {
    Started();
    inner_->RunBatch(ops, count);
  }
  void AttachThread() override {
    t_started_ = -1;
    inner_->AttachThread();
  }
  void DetachThread() override {
    inner_->DetachThread();
    // The creating thread prefills the map: not a worker.
    if (t_started_ >= 0 && std::this_thread::get_id() != owner_) cpu_->fetch_add(ThreadCpuSeconds() - t_started_);
  }

 private:
  void Started() {
    if (t_started_ < 0) t_started_ = ThreadCpuSeconds();
  }
  static inline thread_local double t_started_ = -1;
  std::unique_ptr<Map> inner_;
  std::atomic<double>* cpu_;
  std::thread::id owner_;
};

// The same loop run and recorded by the engine: `threads` readers (op 0) or writers (op 1) in
// sequential key order over the prefilled keys; recorded ops/s from the first call to the last
// return.
// *per_interval: ops per recorded interval (a call's, or a fence window's without batches).
// *cpu_rate: ops per CPU second of the worker threads (CpuTimedMap).
double EngineOpsPerSecond(const BackendInfo& plugin, int op, int threads, uint64_t ops, bool batch_calls,
                          double* per_interval = nullptr, double* cpu_rate = nullptr) {
  std::atomic<double> cpu{0};
  BackendInfo backend = plugin;
  backend.create = [&plugin, &cpu](const BackendOptions& options) -> std::unique_ptr<Map> {
    return std::make_unique<CpuTimedMap>(plugin.create(options), &cpu);
  };
  Scenario s;
  s.name = "plugin-call-bench";
  s.keys.count = kKeys;
  s.keys.prefill = kKeys;
  s.seed = 1;
  ThreadGroup g;
  g.role = op == 0 ? Role::kReader : Role::kWriter;
  g.count = static_cast<uint32_t>(threads);
  g.ops = ops;
  g.order = KeyOrder::kSequential;
  s.threads = {g};
  RunSettings settings;
  settings.batch_calls = batch_calls;
  settings.op_rings = false;
  settings.max_history_bytes = 16 << 20;
  History h = RunTrial(s, backend, settings, 0);
  int64_t first = INT64_MAX, last = 0;
  size_t intervals = 0;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& o = h.ops[i];
    first = std::min(first, o.call);
    last = std::max(last, o.ret);
    intervals += i == 0 || o.thread != h.ops[i - 1].thread || o.call != h.ops[i - 1].call;
  }
  if (per_interval) *per_interval = intervals ? static_cast<double>(h.ops.size()) / static_cast<double>(intervals) : 0;
  if (cpu_rate) *cpu_rate = cpu.load() > 0 ? static_cast<double>(h.ops.size()) / cpu.load() : 0;
  return last > first ? static_cast<double>(h.ops.size()) / (static_cast<double>(last - first) * 1e-9) : 0;
}

// A map whose batches do nothing (every load finds 1): what the engine's batch path costs by itself.
class NoOpBatchMap final : public Map {
 public:
  void Store(uint64_t, uint64_t) override {}
  bool Erase(uint64_t) override { return false; }
  bool Load(uint64_t, uint64_t* value) override {
    *value = 1;
    return true;
  }
  void Iterate(const Visitor&) override {}
  bool HasBatch() const override { return true; }
  void RunBatch(BatchOp* ops, uint32_t count) override {
    for (uint32_t i = 0; i < count; ++i) ops[i].result = 1, ops[i].value = 1;
  }
};

// Through mapstress vs plain Go, for each backend of a Go plugin exporting the native loop.
void CompareWithNativeGo(const std::string& path, const std::vector<BackendInfo>& backends) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  using NativeFn = double (*)(const char*, int, int, uint64_t, uint64_t, double*);
  auto native = handle ? reinterpret_cast<NativeFn>(dlsym(handle, "mapstress_go_native_loop")) : nullptr;
  if (native == nullptr) return;
  // Short runs, many rounds: on a shared machine the best round is the one nobody preempted.
  constexpr uint64_t kOps = 50000;
  constexpr int kRounds = 15;
  InitClock();
  BackendInfo no_op;
  no_op.name = "no-op";
  no_op.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return std::make_unique<NoOpBatchMap>(); };
  for (int op = 0; op < 2; ++op) {
    double best = 0;
    for (int round = 0; round < kRounds; ++round) {
      double cpu_rate = 0;
      EngineOpsPerSecond(no_op, op, 1, kOps, true, nullptr, &cpu_rate);
      best = std::max(best, cpu_rate);
    }
    std::printf("engine alone, a no-op batching map, 1 thread, %s: %.1f ns of CPU per recorded op\n",
                op == 0 ? "load" : "store", 1e9 / best);
  }
  std::printf("\n%-22s %-5s %3s %9s %9s %9s %9s %6s %8s %8s %6s %6s\n", "", "", "", "1 call/op", "engine", "engine",
              "plain Go", "ratio", "engine", "plain Go", "ratio", "ops/");
  std::printf("%-22s %-5s %3s %9s %9s %9s %9s %6s %8s %8s %6s %6s\n", "backend", "op", "thr", "C ABI", "1/op rec",
              "batch rec", "", "wall", "batch/cpu", "per cpu", "cpu", "call");
  for (const BackendInfo& b : backends) {
    for (int op = 0; op < 2; ++op) {
      for (int threads : {1, 2}) {
        if (b.guarantee == Guarantee::kNone && threads > 1) continue;  // plain map: racing kills it
        // Best of kRounds, interleaved, for each column: a shared machine's preemptions only slow a run down.
        const double total = static_cast<double>(kOps) * threads;
        double cxx = 0, unbatched = 0, batched = 0, go = 0, per_call = 0, batched_cpu = 0, go_cpu = 0;
        for (int round = 0; round < kRounds; ++round) {
          BackendOptions options;
          options.capacity_hint = kKeys;
          std::unique_ptr<Map> map = b.create(options);
          for (uint64_t k = 0; k < kKeys; ++k) map->Store(k, k);
          cxx = std::max(cxx, total / CxxLoop(map.get(), op, threads, kOps));
          map.reset();
          unbatched = std::max(unbatched, EngineOpsPerSecond(b, op, threads, kOps, false));
          double ops_per_call = 0, cpu_rate = 0;
          double rate = EngineOpsPerSecond(b, op, threads, kOps, true, &ops_per_call, &cpu_rate);
          if (rate > batched) batched = rate, per_call = ops_per_call;
          batched_cpu = std::max(batched_cpu, cpu_rate);
          double go_cpu_seconds = 0;
          go = std::max(go, total / native(b.name.c_str(), op, threads, kOps, kKeys, &go_cpu_seconds));
          if (go_cpu_seconds > 0) go_cpu = std::max(go_cpu, total / go_cpu_seconds);
        }
        std::printf("%-22s %-5s %3d %9.2f %9.2f %9.2f %9.2f %6.2f %8.2f %8.2f %6.2f %6.1f\n", b.name.c_str(),
                    op == 0 ? "load" : "store", threads, cxx / 1e6, unbatched / 1e6, batched / 1e6, go / 1e6,
                    batched / go, batched_cpu / 1e6, go_cpu / 1e6, go_cpu > 0 ? batched_cpu / go_cpu : 0, per_call);
      }
    }
  }
  std::printf(
      "(Mops/s, best of %d rounds of %llu ops per thread; wall: first call to last return; cpu: ops per "
      "CPU second of the threads)\n",
      kRounds, static_cast<unsigned long long>(kOps));
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
    if (map->HasBatch()) {
      benchmark::RegisterBenchmark(("BatchLoad/" + b.name).c_str(), BenchBatchLoad, map)
          ->Arg(1)
          ->Arg(16)
          ->Arg(64)
          ->Arg(256)
          ->ThreadRange(1, max_threads == 1 ? 1 : 2)
          ->UseRealTime();
    }
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
