#include "report/eta_estimate.h"

#include <algorithm>
#include <cmath>

namespace mapstress {
namespace {

constexpr double kMinCaseSeconds = 0.05;  // op-bounded cases and setup: a case is never free
constexpr double kSmoothingSeconds = 2;   // the shown figure follows the raw one within ~2 s
constexpr double kMaxRate = 20;           // wall seconds per planned second, at most

}  // namespace

EtaEstimate::EtaEstimate(std::vector<double> planned) : planned_(std::move(planned)) {
  for (double& p : planned_) p = std::max(p, kMinCaseSeconds);
}

void EtaEstimate::CaseStarted(size_t index, double t) {
  if (index <= current_) return;
  // Cases max(current, 1) .. index - 1 (from 1) are done now.
  for (size_t c = std::max<size_t>(current_, 1); c < index && c <= planned_.size(); ++c)
    done_planned_ += planned_[c - 1];
  if (index > 1) done_actual_ = t;
  current_ = index;
  current_start_ = t;
}

double EtaEstimate::RawSecondsLeft(double t) const {
  if (current_ == 0 || current_ > planned_.size()) return 0;
  // Wall time per planned second so far. Never below 1: a case that ended early (a crash, an
  // unsupported case) says nothing about the next ones, which take at least their plan.
  double rate = done_planned_ > 0 ? std::clamp(done_actual_ / done_planned_, 1.0, kMaxRate) : 1.0;
  double rest = 0;
  for (size_t i = current_; i < planned_.size(); ++i) rest += planned_[i];
  double current = std::max(rate * planned_[current_ - 1] - (t - current_start_), 0.0);
  return rate * rest + current;
}

double EtaEstimate::SecondsLeft(double t) {
  double raw = RawSecondsLeft(t);
  if (shown_ < 0) {
    shown_ = raw;
  } else {
    // The last figure counted down by the time passed, then moved part of the way to the new one.
    double dt = std::max(t - shown_at_, 0.0);
    double counted = std::max(shown_ - dt, 0.0);
    shown_ = counted + (raw - counted) * (1 - std::exp(-dt / kSmoothingSeconds));
  }
  shown_at_ = t;
  return shown_;
}

}  // namespace mapstress
