// History file speed: writing, reading (format 0 JSONL, 1 JSONL gzip, 2 binary .mshist) and checking
// a synthetic history of ~11M events (3M point ops + 8M iteration entries of 160 iterations over
// ~50k keys). Report bytes_per_second (uncompressed JSONL), items_per_second (events), and for
// writes the file's bytes_per_op and bytes_per_event. Binary reads repeat 5 times (median), each
// paired with a reference: allocating and touching fresh memory of the read History's size
// (read/fresh_memory). --histories=DIR adds BM_Saved: every *.mshist in DIR (for example
// `mapstress run --save-history DIR`) read and written back, with the rates and bytes per op.
//   build/release/tests/history_file_bench [--histories=DIR]
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <unordered_map>

#include "check/checker.h"
#include "history/history_file.h"

namespace mapstress {
namespace {

constexpr uint64_t kKeys = 100'000;
constexpr uint64_t kPointOps = 3'000'000;
constexpr int kIterations = 160;
constexpr uint32_t kThreads = 8;

// A linearizable history: ops applied one after another to a map, with short overlapping
// intervals so the checker has real work; iterations are exact snapshots.
const History& SyntheticHistory() {
  static const History history = [] {
    History h;
    h.scenario = "bench-history-file";
    h.backend = "synthetic";
    h.guarantee = Guarantee::kSnapshot;
    std::mt19937_64 rng(42);
    std::unordered_map<uint64_t, uint64_t> state;
    for (uint64_t k = 0; k < kKeys / 2; ++k) {
      state[k * 2] = k + 1;
      h.initial.push_back({k * 2, k + 1});
    }
    uint64_t next_value = uint64_t{1} << 32;
    int64_t t = 1'000'000'000;
    uint64_t iterate_every = kPointOps / kIterations;
    for (uint64_t i = 0; i < kPointOps; ++i) {
      Op op;
      op.thread = static_cast<uint32_t>(i % kThreads);
      op.call = t;
      op.ret = t + 3 + static_cast<int64_t>(rng() % 200);
      t += 10;  // each op takes effect at call + 1: in op order and inside its interval
      op.key = rng() % kKeys;
      switch (rng() % 3) {
        case 0:
          op.kind = OpKind::kStore;
          op.value = next_value++;
          state[op.key] = op.value;
          break;
        case 1:
          op.kind = OpKind::kErase;
          op.found = state.erase(op.key) > 0;
          break;
        default: {
          op.kind = OpKind::kLoad;
          auto it = state.find(op.key);
          op.found = it != state.end();
          op.value = op.found ? it->second : 0;
        }
      }
      h.ops.push_back(op);
      if (i % iterate_every == iterate_every - 1) {
        Op it;
        it.kind = OpKind::kIterate;
        it.thread = kThreads;
        it.call = t;
        it.ret = t + 1;
        t += 10;
        it.first_entry = h.entries.size();
        for (const auto& [k, v] : state) h.entries.push_back({k, v});
        it.entry_count = static_cast<uint32_t>(state.size());
        h.ops.push_back(it);
      }
    }
    return h;
  }();
  return history;
}

uint64_t Events(const History& h) { return h.ops.size() + h.entries.size(); }

std::string BenchPath(int format) {
  const char* names[] = {"mapstress_history_bench.jsonl", "mapstress_history_bench.jsonl.gz",
                         "mapstress_history_bench.mshist"};
  return (std::filesystem::temp_directory_path() / names[format]).string();
}

// Uncompressed size, measured once by writing a plain copy.
uint64_t PlainBytes() {
  static const uint64_t bytes = [] {
    std::string error;
    if (!WriteHistoryFile(BenchPath(0), SyntheticHistory(), &error)) std::abort();
    return std::filesystem::file_size(BenchPath(0));
  }();
  return bytes;
}

void BM_Write(benchmark::State& state) {
  const auto format = static_cast<int>(state.range(0));
  const History& h = SyntheticHistory();
  uint64_t bytes = PlainBytes();
  for (auto _ : state) {
    std::string error;
    if (!WriteHistoryFile(BenchPath(format), h, &error)) state.SkipWithError(error.c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(Events(h) * state.iterations()));
  const auto file = static_cast<double>(std::filesystem::file_size(BenchPath(format)));
  state.counters["file_MB"] = file / 1e6;
  state.counters["bytes_per_op"] = file / static_cast<double>(h.ops.size());
  state.counters["bytes_per_event"] = file / static_cast<double>(Events(h));
}

// CPU seconds (user + system) of the whole process.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// What producing a History of this shape costs at the least: fresh memory for its ops and entries,
// every page touched. Returns the CPU seconds taken.
double TouchFreshMemory(size_t ops, size_t entries) {
  const double start = ProcessCpuSeconds();
  std::vector<Op> o(ops);
  std::vector<Entry> e(entries);
  benchmark::DoNotOptimize(o.data());
  benchmark::DoNotOptimize(e.data());
  return ProcessCpuSeconds() - start;
}

void BM_Read(benchmark::State& state) {
  const auto format = static_cast<int>(state.range(0));
  uint64_t bytes = PlainBytes();
  std::string error;
  if (!WriteHistoryFile(BenchPath(format), SyntheticHistory(), &error)) state.SkipWithError(error.c_str());
  uint64_t events = 0;
  double read_cpu = 0, fresh_cpu = 0;
  for (auto _ : state) {
    const double start = ProcessCpuSeconds();
    {
      History h;
      if (!ReadHistoryFile(BenchPath(format), &h, &error)) state.SkipWithError(error.c_str());
      events = Events(h);
    }
    read_cpu += ProcessCpuSeconds() - start;
    state.PauseTiming();
    fresh_cpu += TouchFreshMemory(SyntheticHistory().ops.size(), SyntheticHistory().entries.size());
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(events * state.iterations()));
  state.counters["read_cpu_s"] = read_cpu;
  state.counters["fresh_memory_cpu_s"] = fresh_cpu;
  state.counters["read/fresh_memory"] = fresh_cpu > 0 ? read_cpu / fresh_cpu : 0;
}

// Every *.mshist of `dir`, read and written back (to a temporary file): process CPU time per
// phase, summed over the files.
void BM_Saved(benchmark::State& state, const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec)) {
    if (f.path().extension() == ".mshist") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) state.SkipWithError(("no .mshist files in " + dir).c_str());
  double read_cpu = 0, write_cpu = 0, bytes = 0, ops = 0, events = 0;
  const std::string out = (std::filesystem::temp_directory_path() / "mapstress_history_bench_saved.mshist").string();
  for (auto _ : state) {
    for (const auto& f : files) {
      History h;
      std::string error;
      double start = ProcessCpuSeconds();
      if (!ReadHistoryFile(f.string(), &h, &error)) state.SkipWithError(error.c_str());
      read_cpu += ProcessCpuSeconds() - start;
      start = ProcessCpuSeconds();
      if (!WriteHistoryFile(out, h, &error)) state.SkipWithError(error.c_str());
      write_cpu += ProcessCpuSeconds() - start;
      bytes += static_cast<double>(std::filesystem::file_size(f));
      ops += static_cast<double>(h.ops.size());
      events += static_cast<double>(Events(h));
    }
  }
  std::filesystem::remove(out, ec);
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["files"] = static_cast<double>(files.size());
  state.counters["bytes_per_op"] = ops > 0 ? bytes / ops : 0;
  state.counters["bytes_per_event"] = events > 0 ? bytes / events : 0;
  state.counters["read_events_per_s"] = read_cpu > 0 ? events / read_cpu : 0;
  state.counters["write_events_per_s"] = write_cpu > 0 ? events / write_cpu : 0;
  state.counters["write_ops_per_s"] = write_cpu > 0 ? ops / write_cpu : 0;
}

void BM_CheckLoaded(benchmark::State& state) {
  std::string error;
  PlainBytes();
  History h;
  if (!ReadHistoryFile(BenchPath(0), &h, &error)) state.SkipWithError(error.c_str());
  CheckResult r;
  for (auto _ : state) {
    r = Check(h);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(PlainBytes() * state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(Events(h) * state.iterations()));
  state.counters["checked_events"] = static_cast<double>(r.events);
  state.counters["anomalous"] = static_cast<double>(r.anomalous);
}

BENCHMARK(BM_Write)->Arg(0)->Arg(1)->Arg(2)->ArgName("format")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Read)->Arg(0)->Arg(1)->ArgName("format")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Read)->Arg(2)->ArgName("format")->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(5);
BENCHMARK(BM_CheckLoaded)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace mapstress

int main(int argc, char** argv) {
  constexpr std::string_view kHistories = "--histories=";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with(kHistories)) {
      benchmark::RegisterBenchmark("BM_Saved", mapstress::BM_Saved, std::string(arg.substr(kHistories.size())))
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
