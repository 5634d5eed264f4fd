#include "engine/engine.h"

#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "backend/yield_point.h"
#include "check/checker.h"
#include "engine/batch_worker.h"
#include "engine/clock.h"
#include "engine/crash_history.h"
#include "engine/crash_report.h"
#include "engine/isolation.h"
#include "engine/latency_histogram.h"
#include "engine/preemption_injector.h"
#include "engine/recorded_iteration.h"
#include "engine/schedule_noise.h"
#include "engine/thread_log.h"
#include "engine/trial_shared.h"
#include "engine/workload.h"

namespace mapstress {

Nanos EffectiveDuration(const Scenario& s, const RunSettings& settings) {
  if (settings.duration) return *settings.duration;
  if (s.duration) return *s.duration;
  bool any_bounded = std::any_of(s.threads.begin(), s.threads.end(), [](const ThreadGroup& g) { return g.ops > 0; });
  return any_bounded ? Nanos{0} : kDefaultDuration;  // 0: until the op-bounded threads finish
}

uint32_t EffectiveTrials(const Scenario& s, const RunSettings& settings) {
  return settings.trials ? *settings.trials : s.trials;
}

uint64_t EffectiveSeed(const Scenario& s, const RunSettings& settings) {
  if (settings.seed) return *settings.seed;
  return s.seed ? *s.seed : kDefaultSeed;
}

ContractProfile EffectiveProfile(const Scenario& s, const BackendInfo& backend, const RunSettings& settings) {
  ContractProfile profile = backend.Profile();
  ApplyOverrides(s.expect, &profile);
  auto it = s.expect_backend.find(backend.name);
  if (it != s.expect_backend.end()) ApplyOverrides(it->second, &profile);
  ApplyOverrides(settings.expect, &profile);
  return profile;
}

namespace {

// Bytes the checked history takes per log byte at most (a 16-byte record becomes a 56-byte Op).
constexpr uint64_t kCheckedPerLogByte = sizeof(Op) / sizeof(LogRecord) + 1;

uint64_t DefaultHistoryBytes() {
  // The log plus the checked history (about 3.5 times the log) stay well below memory; the cap
  // holds the same ~89M ops as the 2 GiB of 24-byte records before.
  return std::min<uint64_t>(PhysicalMemoryBytes() / 12, 1365ull << 20);
}

struct WorkerSpec {
  size_t group;
  uint32_t thread_in_group;
  uint32_t global;
};

void NoiseYieldPoint(void* ctx, uint32_t site) { static_cast<ScheduleNoise*>(ctx)->AtYieldPoint(site); }

constexpr uint64_t kMaxBatchOps = 1024;  // point ops sharing one fenced interval, at most

// The hot loop. Never throws, takes no tool-owned lock, allocates nothing.
void Worker(const Scenario& scenario, const WorkerSpec& spec, uint64_t seed, uint32_t trial, Map* map, ThreadLog* log,
            OpRing* ring, TrialShared* shared, LockstepBarrier* lockstep, LiveProgress* progress) noexcept {
  const ThreadGroup& group = scenario.threads[spec.group];
  ScheduleNoise noise(shared->noise, ThreadSeed(seed, spec.group, spec.thread_in_group, trial), spec.global);
  t_yield_hook = YieldHook{&NoiseYieldPoint, &noise};
  map->AttachThread();
  OpStream stream(scenario, spec.group, spec.thread_in_group, seed, trial);
  const uint32_t round = lockstep != nullptr ? group.lockstep : 0;
  const uint64_t think_ns = static_cast<uint64_t>(group.think.count());
  const uint64_t visit_delay_ns = static_cast<uint64_t>(group.visit_delay.count());
  const uint32_t writer_id = spec.global + 1;
  const uint64_t max_ops = group.ops;  // 0: until the budget or stop
  uint64_t seq = 1;
  uint64_t done = 0;

  if (ring) ring->tid.store(static_cast<int32_t>(gettid()), std::memory_order_relaxed);
  shared->ready.fetch_add(1, std::memory_order_acq_rel);
  uint32_t spins = 0;
  while (!shared->go.load(std::memory_order_acquire)) SpinPause(&spins);
  const uint64_t origin = shared->origin;
  const uint64_t budget = shared->budget_ticks;
  if (group.start_delay.count() > 0) SpinFor(static_cast<uint64_t>(group.start_delay.count()));

  // One fenced timestamp ends an op and begins the next. Fast point ops go further and share
  // one interval, because a fence drains the pipeline and costs more than such an op: a batch
  // of `batch_ops` ops is closed by one fenced read, and its size is set from the last batch's
  // length so that a batch lasts about one fence window. No other clock read is taken (an
  // unfenced read costs ~19 ns on the AMD EPYC VM: src/engine/README.md). Togglers and threads
  // with think time read a fresh call time and never batch: the toggler's proof needs its erase
  // to strictly precede its next store.
  const bool fresh_calls = group.role == Role::kToggler || think_ns > 0;
  const uint64_t window = fresh_calls ? 0 : shared->window_ticks;
  uint64_t boundary = ReadBoundaryTicks();            // the last fenced read: the open batch's call
  bool pending = false;                               // the log's last record waits for the batch's return
  uint64_t batch_ops = 1;                             // point ops per batch
  uint64_t countdown = 1;                             // point ops until the batch closes
  uint64_t in_batch = 0;                              // ops in the open batch
  auto end_batch = [&](uint64_t now, uint64_t ops) {  // `now` closed a batch of `ops` ops
    const uint64_t spent = std::max<uint64_t>(now - boundary, 1);
    batch_ops = std::clamp<uint64_t>(ops * window / spent, 1, std::min<uint64_t>(2 * batch_ops, kMaxBatchOps));
    boundary = now;
    pending = false;
    in_batch = 0;
    countdown = batch_ops;
  };
  auto close_batch = [&] {  // the open batch's return is now
    const uint64_t now = ReadBoundaryTicks();
    log->ClosePending(now - origin);
    end_batch(now, in_batch);
  };
  // Maps that run many point ops per call get the batch loop instead (batch_worker.h).
  const bool batched = !fresh_calls && shared->batch_ticks > 0;
  uint64_t reported = 0;  // ops added to `progress` so far
  if (batched) {
    done = RunBatchLoop(BatchLoop{map, log, ring, &stream, &noise, shared, lockstep, progress, round, trial, writer_id,
                                  max_ops, visit_delay_ns},
                        &seq);
    reported = done & ~uint64_t{63};  // it reports in steps of 64
  }
  // Each pass of the outer loop runs up to `n` ops with no per-op check: stop, room, noise,
  // lockstep, the op bound and the time budget are checked once per pass (a pass ends at the
  // batch's close, an iteration, or the next noise or lockstep boundary), so the inner loop
  // holds only the op and its record.
  while (!batched && !shared->stop.load(std::memory_order_relaxed)) {
    // Schedule noise and lockstep barriers happen between intervals: the open batch is
    // closed first and the next op's call is read afterwards, so no interval holds the wait.
    const bool meet = round != 0 && done % round == 0;
    const bool due = noise.BoundaryDue();
    if (due || meet) [[unlikely]] {
      if (pending) close_batch();
      if (meet) lockstep->Wait();
      if (due) noise.AtBoundary(origin, budget, shared->stop);
      boundary = ReadBoundaryTicks();
    }
    uint64_t n = window ? countdown : 1;  // the rest of the open batch
    n = std::min<uint64_t>(n, noise.BoundariesFree());
    if (round != 0) n = std::min<uint64_t>(n, round - done % round);
    if (max_ops > 0) n = std::min(n, max_ops - done);
    if (!log->HasRoom(2 * n + 2)) {  // a point op takes at most 2 records, an iteration 2 + entries
      n = 1;
      if (!log->HasRoom(4)) {
        shared->overflow.store(true, std::memory_order_relaxed);
        shared->stop.store(true, std::memory_order_relaxed);
        break;
      }
    }
    uint64_t k = 0;
    while (k < n) {
      PlannedOp op = stream.Next();
      if (ring) ring->Start(op.kind, op.key);  // for crash reports: the last ops started
      ++k;
      if (op.kind == OpKind::kIterate) {
        if (pending) close_batch();  // its return is this call
        boundary = RecordIteration(map, log, &noise, visit_delay_ns, fresh_calls ? ReadCallTicks() : boundary, shared);
        break;  // its records' room was counted for one op: check again
      }
      uint64_t value = op.kind == OpKind::kStore ? EncodeValue(trial, writer_id, seq++) : 0;
      const uint64_t call = fresh_calls ? ReadCallTicks() : boundary;
      RecordKind kind = kRecLoad;
      bool flag = false;
      switch (op.kind) {
        case OpKind::kStore:
          map->Store(op.key, value);
          kind = kRecStore;
          break;
        case OpKind::kErase:
          flag = map->Erase(op.key);
          kind = kRecErase;
          break;
        default:
          flag = map->Load(op.key, &value);
          if (!flag) value = 0;
          break;
      }
      if (!window) {  // every op fenced
        boundary = ReadBoundaryTicks();
        log->Point(kind, op.key, value, flag, call - origin, boundary - origin);
      } else if (--countdown != 0) {  // joins the open batch; no clock read
        log->PendingPoint(kind, op.key, value, flag, call - origin, 0);
        pending = true;
        ++in_batch;
      } else {  // the batch's last op: one fenced read is its return and the batch's
        const uint64_t ret = ReadBoundaryTicks();
        log->Point(kind, op.key, value, flag, call - origin, ret - origin);
        end_batch(ret, in_batch + 1);
      }
    }
    noise.PassBoundaries(static_cast<uint32_t>(k - 1));
    done += k;
    if (progress && done - reported >= 64) {
      progress->ops.fetch_add(done - reported, std::memory_order_relaxed);
      reported = done;
    }
    if (max_ops > 0 && done >= max_ops) break;
    if (budget > 0 && boundary - origin >= budget) break;  // the last fenced read
    if (think_ns) SpinFor(think_ns);
  }
  if (pending) log->ClosePending(ReadReturnTicks() - origin);
  if (lockstep != nullptr) lockstep->Leave();
  if (shared->noise != nullptr) shared->noise->Finished(spec.global);
  t_yield_hook = YieldHook{};
  if (progress) progress->ops.fetch_add(done - reported, std::memory_order_relaxed);
  if (group.ops > 0 && shared->bounded_running.fetch_sub(1) == 1 && budget == 0) {
    shared->stop.store(true, std::memory_order_relaxed);  // the op-bounded threads are done
  }
  map->DetachThread();
  if (ring) ring->tid.store(0, std::memory_order_relaxed);
  shared->finished.fetch_add(1, std::memory_order_acq_rel);
}

struct TrialOutput {
  History history;
  std::array<LatencyHistogram, kOpKindCount> latency;  // per op kind, in ns
  double seconds = 0;
  std::string notes;
};

// A trial's History before its ops: names, seed and the prefilled state.
History TrialHeader(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings, uint32_t trial) {
  History h;
  h.scenario = scenario.name;
  h.backend = backend.name;
  h.guarantee = backend.guarantee;
  h.trial = trial;
  h.seed = EffectiveSeed(scenario, settings);
  h.thread_names = ThreadNames(scenario);
  for (uint64_t k = 0; k < scenario.keys.prefill; ++k) h.initial.push_back(Entry{k, PrefillValue(trial, k)});
  return h;
}

TrialOutput RunTrialWithLogs(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings,
                             uint32_t trial, std::vector<std::unique_ptr<ThreadLog>>& logs) {
  TrialOutput out;
  History& h = out.history;
  h = TrialHeader(scenario, backend, settings, trial);

  BackendOptions options = settings.backend_options;
  options.capacity_hint = std::min(std::max(options.capacity_hint, scenario.keys.count), kMaxCapacityHint);
  std::unique_ptr<Map> map = backend.create(options);  // may throw (main thread): the case is an error
  if (!map) throw std::runtime_error("backend '" + backend.name + "' could not create a map");

  map->AttachThread();
  for (const Entry& e : h.initial) map->Store(e.key, e.value);
  map->DetachThread();

  std::vector<WorkerSpec> specs;
  uint32_t bounded = 0;
  for (size_t g = 0; g < scenario.threads.size(); ++g) {
    for (uint32_t i = 0; i < scenario.threads[g].count; ++i) {
      specs.push_back({g, i, static_cast<uint32_t>(specs.size())});
      if (scenario.threads[g].ops > 0) ++bounded;
    }
  }
  for (auto& log : logs) log->Clear();

  TrialShared shared;
  shared.bounded_running = bounded;
  Nanos duration = EffectiveDuration(scenario, settings);
  shared.budget_ticks = static_cast<uint64_t>(static_cast<double>(duration.count()) * TicksPerNano());
  const uint64_t seed = EffectiveSeed(scenario, settings);
  if (CurrentClockSource() == ClockSource::kTsc) {  // unfenced reads need the TSC
    shared.window_ticks = static_cast<uint64_t>(static_cast<double>(settings.fence_window.count()) * TicksPerNano());
  }
  if (settings.batch_calls && map->HasBatch()) {  // needs no unfenced read: any clock
    shared.batch_ticks = static_cast<uint64_t>(static_cast<double>(settings.fence_window.count()) * TicksPerNano());
  }

  // Workers inherit a mask without SIGINT/SIGTERM, so Ctrl-C always reaches this thread,
  // which watches for it below.
  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
  std::vector<LockstepBarrier> barriers(scenario.threads.size());
  std::vector<bool> parkable(specs.size());
  for (const auto& spec : specs) {
    const ThreadGroup& g = scenario.threads[spec.group];
    if (g.lockstep > 0) ++barriers[spec.group].members;
    parkable[spec.global] = g.lockstep == 0;  // a parked member would hold its group's barrier
  }
  NoiseTrial noise(settings.noise, MixHash(seed ^ trial), static_cast<uint32_t>(specs.size()), shared.budget_ticks,
                   TicksPerNano(), parkable);
  shared.noise = &noise;
  // Wakes up on each CPU every few microseconds (noise on): preemptions at random instructions.
  std::optional<PreemptionInjector> injector;
  injector.emplace(settings.noise, MixHash(seed ^ trial ^ 0x70726565ull), static_cast<uint32_t>(specs.size()));
  std::unique_ptr<OpRing[]> rings(settings.op_rings ? new OpRing[specs.size()] : nullptr);
  if (rings) PublishOpRings(rings.get(), static_cast<uint32_t>(specs.size()), h.thread_names);
  std::vector<const ThreadLog*> published;  // for the history up to a crash (crash_history.h)
  for (const auto& spec : specs) published.push_back(logs[spec.global].get());
  if (rings) PublishThreadLogs(published.data(), static_cast<uint32_t>(published.size()), trial);
  std::vector<std::thread> threads;
  threads.reserve(specs.size());
  for (const auto& spec : specs) {
    LockstepBarrier* barrier = scenario.threads[spec.group].lockstep > 0 ? &barriers[spec.group] : nullptr;
    threads.emplace_back(Worker, std::cref(scenario), spec, seed, trial, map.get(), logs[spec.global].get(),
                         rings ? &rings[spec.global] : nullptr, &shared, barrier, settings.progress);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  while (shared.ready.load(std::memory_order_acquire) < specs.size()) std::this_thread::yield();
  auto wall_start = std::chrono::steady_clock::now();
  shared.origin = ReadCallTicks();
  shared.go.store(true, std::memory_order_release);
  while (shared.finished.load(std::memory_order_acquire) < specs.size()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (settings.interrupted && settings.interrupted->load()) shared.stop.store(true);
  }
  for (auto& t : threads) t.join();
  injector.reset();
  if (rings) WithdrawOpRings();
  if (rings) WithdrawThreadLogs();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  out.notes = map->Notes();
  map.reset();

  const double ns_per_tick = 1.0 / TicksPerNano();
  size_t ops = 0;
  for (const auto& log : logs) ops += log->size();
  if (settings.log_bytes) *settings.log_bytes += ops * sizeof(LogRecord);
  h.ops.reserve(ops);
  for (const auto& spec : specs) AppendThreadLog(*logs[spec.global], spec.global, ns_per_tick, &h, &out.latency);
  h.truncated = shared.overflow.load();
  return out;
}

std::vector<std::unique_ptr<ThreadLog>> MakeLogs(const Scenario& scenario, const RunSettings& settings) {
  uint64_t bytes = settings.max_history_bytes ? settings.max_history_bytes : DefaultHistoryBytes();
  uint32_t threads = std::max<uint32_t>(1, scenario.TotalThreads());
  size_t per_thread = std::max<size_t>(64, bytes / sizeof(LogRecord) / threads);
  std::vector<std::unique_ptr<ThreadLog>> logs;
  constexpr size_t kPrefaultBytes = 64 << 20;
  for (uint32_t i = 0; i < threads; ++i) {
    logs.push_back(std::make_unique<ThreadLog>(per_thread));
    logs.back()->Prefault(kPrefaultBytes / threads / sizeof(LogRecord));
  }
  return logs;
}

}  // namespace

History RunTrial(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings, uint32_t trial) {
  auto logs = MakeLogs(scenario, settings);
  return std::move(RunTrialWithLogs(scenario, backend, settings, trial, logs).history);
}

uint64_t PhysicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : (8ull << 30);
}

MemoryEstimate EstimateCaseMemory(const Scenario& scenario, const RunSettings& settings) {
  // Per entry: a hash-map node or slot with its share of buckets (~64 bytes in the std and
  // library maps), plus the header's initial state and the checker's copy of it (16 + 16).
  constexpr uint64_t kMapEntryBytes = 64, kInitialEntryBytes = 32;
  MemoryEstimate e;
  uint64_t budget = settings.max_history_bytes ? settings.max_history_bytes : DefaultHistoryBytes();
  e.history_bytes = budget * (1 + kCheckedPerLogByte);  // the raw log and the checked history
  uint64_t hint = std::min(scenario.keys.count, kMaxCapacityHint);
  e.map_bytes = std::max(hint, scenario.keys.prefill) * kMapEntryBytes + scenario.keys.prefill * kInitialEntryBytes;
  return e;
}

CaseReport NewCaseReport(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings) {
  CaseReport r;
  r.scenario = scenario.name;
  r.scenario_path = scenario.path;
  r.backend = backend.name;
  r.guarantee = backend.guarantee;
  r.trials = EffectiveTrials(scenario, settings);
  r.threads = scenario.TotalThreads();
  r.seed = EffectiveSeed(scenario, settings);
  r.grading = EffectiveProfile(scenario, backend, settings);
  return r;
}

void RunTrialsInto(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings,
                   const ClockCheck& clock, CaseReport* report,
                   const std::function<void(const CaseReport&, const char* phase)>& on_phase) {
  std::array<LatencyHistogram, kOpKindCount> latency;
  double seconds = 0;
  std::string notes;
  std::vector<std::unique_ptr<ThreadLog>> logs;
  try {
    logs = MakeLogs(scenario, settings);
  } catch (const std::bad_alloc&) {
    report->status = CaseStatus::kError;
    report->message = "cannot allocate the history buffers: lower --max-history-mb";
    return;
  }
  for (uint32_t trial = 0; trial < report->trials; ++trial) {
    if (settings.interrupted && settings.interrupted->load()) break;
    if (on_phase) on_phase(*report, "run");
    TrialOutput out;
    try {
      out = RunTrialWithLogs(scenario, backend, settings, trial, logs);
    } catch (const std::bad_alloc&) {
      report->status = CaseStatus::kError;
      report->message =
          fmt::format("out of memory in trial {} (keys.count {}, keys.prefill {}): lower them or --max-history-mb",
                      trial + 1, scenario.keys.count, scenario.keys.prefill);
      return;
    } catch (const std::exception& e) {
      report->status = CaseStatus::kError;
      report->message = e.what();
      return;
    }
    if (on_phase) on_phase(*report, "check");
    CheckOptions check_options;
    check_options.max_examples = settings.max_examples;
    check_options.threads = settings.check_threads != 0 ? settings.check_threads : DefaultCheckThreads();
    CheckResult check = Check(out.history, check_options);
    AddTrial(check, out.history, report, settings.max_examples);
    if (settings.progress) {
      // What the progress line counts: only the kinds worth a look (INTERESTING or FORBIDDEN).
      uint64_t bad = 0;
      for (int k = 0; k < kAnomalyCount; ++k) {
        if (report->grading.anomaly[k] != Grade::kAcceptable) bad += check.anomalies[k];
      }
      settings.progress->anomalies.fetch_add(bad);
    }
    for (int k = 0; k < kOpKindCount; ++k) latency[k].Merge(out.latency[k]);
    seconds += out.seconds;
    if (!out.notes.empty()) notes = out.notes;
    report->duration_s = seconds;
    for (int k = 0; k < kOpKindCount; ++k) {
      OpStats& s = report->ops[k];
      s.per_sec = seconds > 0 ? static_cast<double>(s.count) / seconds : 0;
      s.p50_ns = latency[k].Quantile(0.50);
      s.p99_ns = latency[k].Quantile(0.99);
      s.p999_ns = latency[k].Quantile(0.999);
      s.max_ns = latency[k].Max();
    }
    std::string message;
    if (report->truncated) message = "history buffers filled: some trials ended early (raise --max-history-mb)";
    if (!notes.empty()) message += (message.empty() ? "" : "; ") + notes;
    report->message = message;
    report->status = Verdict(*report);
    if (!clock.trusted && report->status != CaseStatus::kError) {
      report->status = CaseStatus::kInconclusive;
      report->message = "the clock could not be trusted: " + clock.note;
    }
    if (settings.on_history) {
      out.history.grading = ProfileToNames(report->grading);
      settings.on_history(out.history);
    }
    if (on_phase) on_phase(*report, "trial");
  }
  if (report->trials_completed == 0 && report->status == CaseStatus::kPass) {
    report->status = CaseStatus::kInconclusive;
    report->message = "interrupted before any trial finished";
  }
}

CaseReport RunCase(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings,
                   const ClockCheck& clock) {
  CaseReport report = NewCaseReport(scenario, backend, settings);
  std::string reason = backend.unsupported_reason ? backend.unsupported_reason(scenario.Traits()) : "";
  if (!reason.empty() && !settings.allow_unsafe) {
    report.status = CaseStatus::kUnsupported;
    report.message = reason;
    return report;
  }
  if (!backend.create) {
    report.status = CaseStatus::kError;
    report.message = "backend has no factory";
    return report;
  }
  if (backend.always_isolate || settings.isolate || !reason.empty()) {
    report.isolated = true;
    // With --save-history, a crashed or hung child dumps its logs; the history up to then is saved here.
    const int crash_history = settings.on_history ? CreateCrashHistoryFile() : -1;
    report = RunIsolated(
        report, EffectiveDuration(scenario, settings), settings.hang_grace,
        [&](CaseReport* child_report, const std::function<void(const CaseReport&, const char*)>& on_phase) {
          InstallCrashHistory(crash_history);
          RunTrialsInto(scenario, backend, settings, clock, child_report, on_phase);
        },
        settings.interrupted);
    History upto_crash;
    auto header = [&](uint32_t trial) { return TrialHeader(scenario, backend, settings, trial); };
    if ((report.outcome == Outcome::kCrashed || report.outcome == Outcome::kHung) &&
        ReadCrashHistory(crash_history, header, 1.0 / TicksPerNano(), &upto_crash)) {
      upto_crash.grading = ProfileToNames(report.grading);
      settings.on_history(upto_crash);
    }
    if (crash_history >= 0) close(crash_history);
    return report;
  }
  RunTrialsInto(scenario, backend, settings, clock, &report, nullptr);
  return report;
}

}  // namespace mapstress
