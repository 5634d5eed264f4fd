// A one-line live status on stderr while cases run ("case 3/12 ...  0:12 elapsed  ETA 0:40 ...").
// Drawn by a background thread only when the stream is a terminal and the run has lasted a while.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "report/eta_estimate.h"

namespace mapstress {

struct LiveProgress;

struct ProgressLineOptions {
  FILE* stream = stderr;
  bool force = false;  // draw even when `stream` is not a terminal (tests)
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds delay{1000};  // nothing is drawn before the run has lasted this long
  size_t width = 0;                       // columns; 0 = the terminal's (80 when unknown)
};

// What one redraw shows.
struct ProgressState {
  size_t index = 0;  // current case, from 1
  size_t total = 0;
  std::string label;  // "scenario×backend"
  double elapsed_s = 0;
  double eta_s = -1;        // < 0: unknown
  double ops_per_sec = -1;  // < 0: unknown
  uint64_t anomalies = 0;
};

// "case 3/12 02-…×sharded  0:12 elapsed  ETA 0:40  1.2M ops/s  0 anomalies", at most `width`
// columns (the label gives way first).
std::string FormatProgressLine(const ProgressState& state, size_t width);
// 72 -> "1:12", 3723 -> "1:02:03".
std::string FormatClock(double seconds);

class ProgressLine {
 public:
  // `live` may be null (no ops/s or anomaly counts); it must outlive Stop().
  explicit ProgressLine(const LiveProgress* live, ProgressLineOptions options = {});
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Starts the clock and, when drawing is enabled, the background thread. One planned stress
  // time (seconds) per case: the ETA's basis (eta_estimate.h).
  void Start(std::vector<double> planned_case_seconds);
  void SetCase(size_t index, const std::string& label);  // index counts from 1
  // Stops the thread and erases the line. Safe to call twice.
  void Stop();
  // Erases the line now; it comes back at the next redraw.
  void Clear();
  // Erases the line and keeps it away while the lock is held: print case lines under it.
  std::unique_lock<std::mutex> Hold();

  bool enabled() const { return enabled_; }

 private:
  void Loop();
  void DrawLocked();   // draw_mutex_ held
  void ClearLocked();  // draw_mutex_ held

  const LiveProgress* live_;
  ProgressLineOptions options_;
  bool enabled_ = false;

  std::mutex draw_mutex_;  // the stream and everything below
  bool drawn_ = false;
  size_t total_ = 0;
  EtaEstimate eta_;
  size_t index_ = 0;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point rate_since_;
  uint64_t rate_ops_ = 0;
  double ops_per_sec_ = -1;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mapstress
