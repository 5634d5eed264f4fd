#include "report/progress_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "core/text_width.h"
#include "engine/engine.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report/terminal.h"

namespace mapstress {
namespace {

std::string ReadAll(FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0;) text.append(buf, n);
  return text;
}

TEST(ProgressLineTest, FormatsTheStatusLine) {
  ProgressState state;
  state.index = 3;
  state.total = 12;
  state.label = "02-iterate-while-deleting×sharded";
  state.elapsed_s = 12.4;
  state.eta_s = 40;
  state.ops_per_sec = 1.2e6;
  state.anomalies = 0;
  EXPECT_EQ(FormatProgressLine(state, 100),
            "case 3/12 02-iterate-while-deleting×sharded  0:12 elapsed  ETA 0:40  1.2M ops/s  0 anomalies");
  // Narrow: ops/s gives way first, then the label is cut.
  EXPECT_EQ(FormatProgressLine(state, 60), "case 3/12 02-iterate-w…  0:12 elapsed  ETA 0:40  0 anomalies");
  state.eta_s = -1;
  state.ops_per_sec = -1;
  state.anomalies = 1;
  EXPECT_EQ(FormatProgressLine(state, 100), "case 3/12 02-iterate-while-deleting×sharded  0:12 elapsed  1 anomaly");
  EXPECT_LE(DisplayWidth(FormatProgressLine(state, 20)), 20u);
  EXPECT_EQ(FormatClock(72), "1:12");
  EXPECT_EQ(FormatClock(3723), "1:02:03");
  EXPECT_EQ(FormatClock(-1), "0:00");
}

TEST(ProgressLineTest, DrawsWhenForcedAndClearsOnHoldAndStop) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  LiveProgress live;
  live.anomalies = 7;
  ProgressLineOptions options;
  options.stream = file;
  options.force = true;
  options.interval = std::chrono::milliseconds(5);
  options.delay = std::chrono::milliseconds(0);
  options.width = 80;
  ProgressLine line(&live, options);
  EXPECT_TRUE(line.enabled());
  line.Start({25, 25, 25, 25});
  line.SetCase(1, "scenario×backend");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  {
    auto hold = line.Hold();
    std::fputs("CASE LINE\n", file);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // drawn again after the hold
  line.Stop();
  line.Stop();  // twice is fine
  std::string text = ReadAll(file);
  std::fclose(file);
  EXPECT_NE(text.find("\rcase 1/4 scenario×backend  0:00 elapsed  ETA 1:39"), std::string::npos) << text;
  EXPECT_NE(text.find("7 anomalies\x1b[K"), std::string::npos);
  // The line was erased before the caller's output, and at the end.
  EXPECT_NE(text.find("\r\x1b[KCASE LINE\n"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 4), "\r\x1b[K");
}

TEST(ProgressLineTest, SilentWhenNotATerminal) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressLineOptions options;
  options.stream = file;
  options.interval = std::chrono::milliseconds(5);
  options.delay = std::chrono::milliseconds(0);
  ProgressLine line(nullptr, options);
  EXPECT_FALSE(line.enabled());
  line.Start({1});
  line.SetCase(1, "a×b");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  line.Clear();
  line.Stop();
  EXPECT_EQ(ReadAll(file), "");
  std::fclose(file);
}

TEST(ProgressLineTest, WaitsForTheDelay) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressLineOptions options;
  options.stream = file;
  options.force = true;
  options.interval = std::chrono::milliseconds(5);
  options.delay = std::chrono::milliseconds(10000);
  ProgressLine line(nullptr, options);
  line.Start({1});
  line.SetCase(1, "a×b");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  line.Stop();
  EXPECT_EQ(ReadAll(file), "");
  std::fclose(file);
}

}  // namespace
}  // namespace mapstress
