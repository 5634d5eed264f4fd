#include "engine/isolation.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "backend/backend_registry.h"
#include "engine/clock.h"
#include "engine/engine.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

CaseReport Initial() {
  CaseReport r;
  r.scenario = "iso";
  r.backend = "test";
  r.trials = 2;
  r.grading = ProfileFor(Guarantee::kSnapshot);
  return r;
}

TEST(Isolation, ChildReportComesBack) {
  CaseReport r = RunIsolated(Initial(), 100ms, 1s, [](CaseReport* report, const auto& on_phase) {
    report->check.iterations = 5;
    report->check.snapshot = 5;
    report->trials_completed = 2;
    on_phase(*report, "trial");
  });
  EXPECT_EQ(r.outcome, Outcome::kCompleted);
  EXPECT_EQ(r.check.iterations, 5u);
  EXPECT_EQ(r.trials_completed, 2u);
  EXPECT_TRUE(r.isolated);
}

TEST(Isolation, CrashIsReportedWithSignalAndKeepsEarlierTrials) {
  CaseReport r = RunIsolated(Initial(), 100ms, 1s, [](CaseReport* report, const auto& on_phase) {
    report->check.iterations = 3;
    report->trials_completed = 1;
    on_phase(*report, "trial");
    raise(SIGSEGV);
  });
  EXPECT_EQ(r.outcome, Outcome::kCrashed);
  EXPECT_EQ(r.signal, "SIGSEGV");
  EXPECT_EQ(r.check.iterations, 3u);
  EXPECT_EQ(r.trials_completed, 1u);
  EXPECT_EQ(r.status, CaseStatus::kFail);  // crashed is FORBIDDEN for a snapshot contract
}

TEST(Isolation, AbortIsSigabrtAndStderrIsCaptured) {
  CaseReport r = RunIsolated(Initial(), 100ms, 1s, [](CaseReport*, const auto&) {
    std::fprintf(stderr, "fatal error: concurrent map writes\n");
    std::fflush(stderr);
    abort();
  });
  EXPECT_EQ(r.outcome, Outcome::kCrashed);
  EXPECT_EQ(r.signal, "SIGABRT");
  EXPECT_NE(r.message.find("concurrent map writes"), std::string::npos) << r.message;
}

TEST(Isolation, ExitWithoutReportIsACrashWithTheMessage) {
  CaseReport r = RunIsolated(Initial(), 100ms, 1s, [](CaseReport*, const auto&) {
    std::fprintf(stderr, "goroutine 1 [running]:\nfatal error: concurrent map iteration and map write\n");
    std::fflush(stderr);
    _exit(2);
  });
  EXPECT_EQ(r.outcome, Outcome::kCrashed);
  EXPECT_EQ(r.signal, "");
  EXPECT_NE(r.message.find("concurrent map iteration and map write"), std::string::npos) << r.message;
}

// How long a hung case may take in all: its 250 ms of budget and grace, the stack dump, the kill.
// Under ThreadSanitizer the dump's signal handling and symbolization took 12-18 s.
#if defined(__SANITIZE_THREAD__)
constexpr auto kHangEndsWithin = std::chrono::seconds(60);
#else
constexpr auto kHangEndsWithin = std::chrono::seconds(10);
#endif

TEST(Isolation, HangIsKilledAfterBudgetAndGrace) {
  auto start = std::chrono::steady_clock::now();
  CaseReport initial = Initial();
  initial.grading = ProfileFor(Guarantee::kNone);
  CaseReport r = RunIsolated(initial, 50ms, 200ms, [](CaseReport*, const auto& on_phase) {
    CaseReport dummy;
    on_phase(dummy, "run");
    for (;;) std::this_thread::sleep_for(1s);
  });
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, Outcome::kHung);
  EXPECT_EQ(r.status, CaseStatus::kPass);  // hung is INTERESTING for a `none` contract
  EXPECT_LT(took, kHangEndsWithin);
}

// What the child forks inherits its pipes: the case still ends when the child exits, and the
// grandchild is killed with the child's process group.
TEST(Isolation, AForkedGrandchildNeitherWedgesTheCaseNorSurvivesIt) {
  int pids[2];
  ASSERT_EQ(pipe(pids), 0);
  auto start = std::chrono::steady_clock::now();
  CaseReport r = RunIsolated(Initial(), 100ms, 2s, [&](CaseReport* report, const auto& on_phase) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      for (;;) pause();
    }
    (void)!write(pids[1], &grandchild, sizeof grandchild);
    report->trials_completed = 2;
    on_phase(*report, "trial");
  });
  auto took = std::chrono::steady_clock::now() - start;
  close(pids[1]);
  pid_t grandchild = 0;
  ASSERT_EQ(read(pids[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
  close(pids[0]);
  EXPECT_EQ(r.outcome, Outcome::kCompleted) << r.message;
  EXPECT_LT(took, 1500ms);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {  // reparented to init, which reaps it
    gone = kill(grandchild, 0) != 0;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " survived its case";
  if (!gone) kill(grandchild, SIGKILL);
}

// Ctrl-C during a hung case: it stops within the interrupt grace, not after budget + grace.
TEST(Isolation, AnInterruptStopsAHungCaseAtOnce) {
  std::atomic<bool> interrupted{false};
  std::thread later([&] {
    std::this_thread::sleep_for(200ms);
    interrupted.store(true);
  });
  auto start = std::chrono::steady_clock::now();
  CaseReport r = RunIsolated(
      Initial(), 50ms, 30s,
      [](CaseReport*, const auto& on_phase) {
        CaseReport dummy;
        on_phase(dummy, "run");
        signal(SIGTERM, SIG_IGN);  // a plugin that ignores the polite request
        for (;;) std::this_thread::sleep_for(1s);
      },
      &interrupted);
  later.join();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 3s);
  EXPECT_EQ(r.outcome, Outcome::kCompleted);
  EXPECT_EQ(r.status, CaseStatus::kInconclusive);
  EXPECT_EQ(r.message, "interrupted: the isolated child was stopped");
}

// The child's stdout is captured (not mixed into ours): counted, its last lines in the message.
TEST(Isolation, StdoutIsCapturedAndCounted) {
  CaseReport r = RunIsolated(Initial(), 100ms, 1s, [](CaseReport* report, const auto& on_phase) {
    for (int i = 0; i < 5000; ++i) std::printf("plugin line %d\n", i);
    report->trials_completed = 2;
    on_phase(*report, "trial");
  });
  EXPECT_EQ(r.outcome, Outcome::kCompleted);
  EXPECT_NE(r.message.find("the backend wrote 5000 line(s) to stdout ("), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("plugin line 4999"), std::string::npos) << r.message;
}

TEST(Isolation, SignalNames) {
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalName(SIGBUS), "SIGBUS");
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
}

// Through the registry: the deliberately crashing and hanging backends, and the run goes on.
class IsolatedBackends : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { clock_ = InitClock(); }
  static ClockCheck clock_;
  BackendRegistry registry_ = BackendRegistry::BuiltIn();
  Scenario Writers() {
    Scenario s;
    s.name = "writers";
    s.keys.count = 1000;
    s.duration = 300ms;
    s.trials = 1;
    ThreadGroup w;
    w.role = Role::kWriter;
    w.count = 2;
    ThreadGroup it;
    it.role = Role::kIterator;
    s.threads = {w, it};
    return s;
  }
};
ClockCheck IsolatedBackends::clock_;

TEST_F(IsolatedBackends, CrashingBackendIsCrashedWithSignal) {
  RunSettings settings;
  CaseReport r = RunCase(Writers(), *registry_.Find("faulty-crash"), settings, clock_);
  EXPECT_EQ(r.outcome, Outcome::kCrashed);
  EXPECT_EQ(r.signal, "SIGSEGV");
  EXPECT_EQ(r.status, CaseStatus::kFail);
  // The next case runs normally in this process.
  CaseReport next = RunCase(Writers(), *registry_.Find("locked"), settings, clock_);
  EXPECT_EQ(next.outcome, Outcome::kCompleted);
  EXPECT_EQ(next.status, CaseStatus::kPass);
}

TEST_F(IsolatedBackends, HangingBackendIsHung) {
  RunSettings settings;
  settings.hang_grace = 500ms;
  auto start = std::chrono::steady_clock::now();
  CaseReport r = RunCase(Writers(), *registry_.Find("faulty-hang"), settings, clock_);
  EXPECT_EQ(r.outcome, Outcome::kHung);
  EXPECT_EQ(r.status, CaseStatus::kFail);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

}  // namespace
}  // namespace mapstress
