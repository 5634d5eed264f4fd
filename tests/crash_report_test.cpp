// Crash and hang diagnostics: the dump format, symbolisation, the report's JSON, and real
// isolated cases of faulty-crash and faulty-hang.
#include "engine/crash_report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "backend/backend_registry.h"
#include "core/case_report_json.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/symbolizer.h"
#include "report/crash_text.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

// A function with internal linkage: backtrace_symbols cannot name it, the symboliser must.
__attribute__((noinline)) uintptr_t LocalFunctionAddress() {
  return reinterpret_cast<uintptr_t>(__builtin_return_address(0));
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines) {
    if (l.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(CrashReportTest, SymbolizesFunctionsWithInternalLinkage) {
  uintptr_t here = LocalFunctionAddress();  // a return address inside this test's body
  std::string name = SymbolizeAddress(here);
  EXPECT_NE(name.find("SymbolizesFunctionsWithInternalLinkage"), std::string::npos) << name;
  std::string unknown = SymbolizeAddress(0x10);
  EXPECT_NE(unknown.find("0x10"), std::string::npos) << unknown;
}

TEST(CrashReportTest, ParsesTheDumpFormat) {
  const std::string text =
      "crash 11 1\n"
      "frames 1 10 11\n"
      "names 2 writer-1 iterator-1\n"
      "ops 0 3 " +
      fmt::format("{:x} {:x} {:x}", 5u << 2 | 0, 6u << 2 | 1, 7u << 2 | 2) +
      "\n"
      "ops 1 40 3\n"
      "stack 0 10\n"
      "ops 2 5 zz\n";  // a line cut short: skipped, not fatal
  CrashDetails c = ParseCrashDump(text);
  EXPECT_EQ(c.thread, "iterator-1");
  EXPECT_EQ(c.backtrace.size(), 2u);
  ASSERT_GE(c.threads.size(), 2u);
  EXPECT_EQ(c.threads[0].thread, "writer-1");
  EXPECT_EQ(c.threads[0].ops_started, 3u);
  EXPECT_EQ(c.threads[0].last_ops, (std::vector<std::string>{"store key=5", "erase key=6", "load key=7"}));
  EXPECT_EQ(c.threads[0].stack.size(), 1u);
  EXPECT_EQ(c.threads[1].last_ops, (std::vector<std::string>{"iterate"}));
}

TEST(CrashReportTest, CrashDetailsRoundTripThroughJson) {
  CaseReport r;
  r.scenario = "s";
  r.backend = "b";
  r.outcome = Outcome::kCrashed;
  r.signal = "SIGSEGV";
  r.crash.thread = "writer-1";
  r.crash.backtrace = {"f+0x1 (mapstress)", "g+0x2 (mapstress)"};
  r.crash.threads = {ThreadDump{"writer-1", 12, {"store key=1"}, {}}, ThreadDump{"main", 0, {}, {"h+0x3 (x)"}}};
  nlohmann::json j = CaseReportToJson(r);
  CaseReport back;
  std::string error;
  ASSERT_TRUE(CaseReportFromJson(j, &back, &error)) << error;
  EXPECT_EQ(back.crash.thread, "writer-1");
  EXPECT_EQ(back.crash.backtrace, r.crash.backtrace);
  ASSERT_EQ(back.crash.threads.size(), 2u);
  EXPECT_EQ(back.crash.threads[0].ops_started, 12u);
  EXPECT_EQ(back.crash.threads[0].last_ops, r.crash.threads[0].last_ops);
  EXPECT_EQ(back.crash.threads[1].stack, r.crash.threads[1].stack);
  EXPECT_FALSE(CaseReportToJson(CaseReport{}).contains("crash"));
  j["crash"]["threads"] = 3;
  EXPECT_FALSE(CaseReportFromJson(j, &back, &error));
  EXPECT_NE(error.find("crash.threads"), std::string::npos) << error;
}

// A hang's stacks are written by every thread's handler at once: none may overwrite another.
TEST(CrashReportTest, LinesWrittenAtOnceByManyThreadsAllArrive) {
  static constexpr int kThreads = 4, kLines = 200, kBytes = 800;
  for (int round = 0; round < 20; ++round) {
    const int fd = CreateCrashFile();
    ASSERT_GE(fd, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([fd, t] {
        std::string line(kBytes - 1, static_cast<char>('a' + t));
        line += '\n';
        for (int i = 0; i < kLines; ++i) EXPECT_EQ(write(fd, line.data(), line.size()), kBytes);
      });
    }
    for (auto& th : threads) th.join();
    struct stat st {};
    ASSERT_EQ(fstat(fd, &st), 0);
    EXPECT_EQ(st.st_size, off_t{kThreads} * kLines * kBytes) << "round " << round;
    close(fd);
  }
}

class CrashCaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { clock_ = InitClock(); }
  static Scenario WriterAndIterator(uint32_t writers) {
    Scenario s;
    s.name = "crash";
    s.keys.count = 1000;
    s.duration = 300ms;
    ThreadGroup w;
    w.role = Role::kWriter;
    w.count = writers;
    ThreadGroup it;
    it.role = Role::kIterator;
    s.threads = {w, it};
    return s;
  }
  static ClockCheck clock_;
  BackendRegistry registry_ = BackendRegistry::BuiltIn();
};
ClockCheck CrashCaseTest::clock_;

TEST_F(CrashCaseTest, ACrashReportsTheBacktraceAndTheLastOpsOfEveryThread) {
  Scenario s = WriterAndIterator(2);
  s.threads[0].think = 20us;  // 2000 stores take 20ms at least: every thread has started by then
  s.duration = 5s;            // a loaded machine may need far longer; the crash ends the trial anyway
  CaseReport r = RunCase(s, *registry_.Find("faulty-crash"), RunSettings{}, clock_);
  ASSERT_EQ(r.outcome, Outcome::kCrashed);
  EXPECT_EQ(r.signal, "SIGSEGV");
  EXPECT_TRUE(r.crash.thread == "writer-1" || r.crash.thread == "writer-2") << r.crash.thread;
  EXPECT_TRUE(AnyContains(r.crash.backtrace, "CrashMap::Store")) << Joined(r.crash.backtrace);
  ASSERT_EQ(r.crash.threads.size(), 3u);
  uint64_t stores = 0;
  for (const ThreadDump& t : r.crash.threads) {
    EXPECT_FALSE(t.last_ops.empty()) << t.thread;
    EXPECT_LE(t.last_ops.size(), OpRing::kSize);
    if (t.thread.starts_with("writer")) {
      stores += t.ops_started;
      EXPECT_TRUE(AnyContains(t.last_ops, "store key=")) << Joined(t.last_ops);
    } else {
      EXPECT_EQ(t.thread, "iterator-1");
      EXPECT_TRUE(AnyContains(t.last_ops, "iterate")) << Joined(t.last_ops);
    }
  }
  EXPECT_GE(stores, 2000u);  // the 2000th store raised the signal
  std::string text = RenderCrashDetails(r);
  EXPECT_NE(text.find("CrashMap::Store"), std::string::npos) << text;
  EXPECT_NE(text.find("writer-1 ("), std::string::npos) << text;
}

TEST_F(CrashCaseTest, AHangReportsEveryThreadsStack) {
  RunSettings settings;
  settings.hang_grace = 200ms;
  Scenario s = WriterAndIterator(1);
  // Long enough for the map's 2000 ops before the budget ends: under ThreadSanitizer 100 ms was
  // sometimes too short (2 of 5 runs completed without hanging).
#if defined(__SANITIZE_THREAD__)
  s.duration = 2s;
#else
  s.duration = 100ms;
#endif
  CaseReport r = RunCase(s, *registry_.Find("faulty-hang"), settings, clock_);
  ASSERT_EQ(r.outcome, Outcome::kHung);
  EXPECT_TRUE(r.crash.backtrace.empty());
  size_t stacks = 0;
  for (const ThreadDump& t : r.crash.threads) {
    if (t.stack.empty()) continue;
    ++stacks;
    if (t.thread != "main") {
      EXPECT_TRUE(AnyContains(t.stack, "HangMap::")) << t.thread << "\n" << Joined(t.stack);
    }
  }
  EXPECT_GE(stacks, 2u);  // both workers at least (the main thread when it took the signal)
  std::string text = RenderCrashDetails(r);
  EXPECT_NE(text.find("stack of writer-1"), std::string::npos) << text;
}

}  // namespace
}  // namespace mapstress
