#include "report/progress_line.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "core/live_progress.h"
#include "core/text_width.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report/terminal.h"

namespace mapstress {

std::string FormatClock(double seconds) {
  uint64_t s = seconds > 0 ? static_cast<uint64_t>(seconds) : 0;
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string FormatProgressLine(const ProgressState& state, size_t width) {
  std::string head = fmt::format("case {}/{} ", state.index, state.total);
  std::string elapsed = "  " + FormatClock(state.elapsed_s) + " elapsed";
  std::string eta = state.eta_s >= 0 ? "  ETA " + FormatClock(state.eta_s) : "";
  std::string rate = state.ops_per_sec >= 0 ? "  " + FormatCount(state.ops_per_sec) + " ops/s" : "";
  std::string anomalies = fmt::format("  {} {}", state.anomalies, state.anomalies == 1 ? "anomaly" : "anomalies");
  // When narrow, ops/s and then the ETA give way so the label keeps at least 12 columns.
  auto room = [&] {
    size_t fixed = DisplayWidth(head + elapsed + eta + rate + anomalies);
    return width > fixed ? width - fixed : 0;
  };
  if (room() < 12) rate.clear();
  if (room() < 12) eta.clear();
  std::string label = TruncateToWidth(state.label, std::max<size_t>(room(), 8));
  return TruncateToWidth(head + label + elapsed + eta + rate + anomalies, width);
}

ProgressLine::ProgressLine(const LiveProgress* live, ProgressLineOptions options) : live_(live), options_(options) {
  enabled_ = options_.stream != nullptr && (options_.force || isatty(fileno(options_.stream)));
}

ProgressLine::~ProgressLine() { Stop(); }

void ProgressLine::Start(std::vector<double> planned_case_seconds) {
  std::lock_guard<std::mutex> lock(draw_mutex_);
  total_ = planned_case_seconds.size();
  eta_ = EtaEstimate(std::move(planned_case_seconds));
  start_ = rate_since_ = std::chrono::steady_clock::now();
  rate_ops_ = live_ != nullptr ? live_->ops.load(std::memory_order_relaxed) : 0;
  if (enabled_ && !thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void ProgressLine::SetCase(size_t index, const std::string& label) {
  std::lock_guard<std::mutex> lock(draw_mutex_);
  index_ = index;
  label_ = label;
  eta_.CaseStarted(index, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

void ProgressLine::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  Clear();
}

void ProgressLine::Clear() {
  std::lock_guard<std::mutex> lock(draw_mutex_);
  ClearLocked();
}

std::unique_lock<std::mutex> ProgressLine::Hold() {
  std::unique_lock<std::mutex> lock(draw_mutex_);
  ClearLocked();
  return lock;
}

void ProgressLine::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(stop_mutex_);
      if (stop_cv_.wait_for(lock, options_.interval, [this] { return stop_; })) return;
    }
    // Skip a tick rather than wait while the caller holds the line away.
    std::unique_lock<std::mutex> draw(draw_mutex_, std::try_to_lock);
    if (draw.owns_lock()) DrawLocked();
  }
}

void ProgressLine::DrawLocked() {
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed * 1000 < static_cast<double>(options_.delay.count()) || index_ == 0) return;
  uint64_t ops = live_ != nullptr ? live_->ops.load(std::memory_order_relaxed) : 0;
  double window = std::chrono::duration<double>(now - rate_since_).count();
  if (live_ != nullptr && window >= 1.0) {
    // The counter may restart between cases; a drop starts a new window.
    if (ops >= rate_ops_) ops_per_sec_ = static_cast<double>(ops - rate_ops_) / window;
    rate_since_ = now;
    rate_ops_ = ops;
  }
  ProgressState state;
  state.index = index_;
  state.total = total_;
  state.label = label_;
  state.elapsed_s = elapsed;
  state.eta_s = eta_.SecondsLeft(elapsed);
  state.ops_per_sec = ops_per_sec_;
  state.anomalies = live_ != nullptr ? live_->anomalies.load(std::memory_order_relaxed) : 0;
  size_t width = options_.width;
  if (width == 0) {
    winsize ws{};
    width = ioctl(fileno(options_.stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
  }
  // One column spare so the cursor never wraps to the next line.
  std::string line = FormatProgressLine(state, width > 1 ? width - 1 : 1);
  std::fputs(("\r" + line + "\x1b[K").c_str(), options_.stream);
  std::fflush(options_.stream);
  drawn_ = true;
}

void ProgressLine::ClearLocked() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", options_.stream);
  std::fflush(options_.stream);
  drawn_ = false;
}

}  // namespace mapstress
