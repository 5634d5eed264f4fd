// The progress line's ETA: the cases' planned stress time, scaled by how long the finished cases
// really took per planned second (setup and checking included), and smoothed, so that the figure
// counts down steadily instead of jumping, and stays on screen when a case overruns its plan.
#pragma once

#include <cstddef>
#include <vector>

namespace mapstress {

class EtaEstimate {
 public:
  // planned[i]: case i's planned stress time in seconds (trials x duration; 0 when op-bounded).
  explicit EtaEstimate(std::vector<double> planned = {});

  // Case `index` (from 1) started `t` seconds into the run: the cases before it are done.
  void CaseStarted(size_t index, double t);
  // The smoothed seconds left at `t` (never negative), for one redraw; call with growing `t`.
  double SecondsLeft(double t);
  // The same without smoothing (what SecondsLeft converges to).
  double RawSecondsLeft(double t) const;

 private:
  std::vector<double> planned_;  // at least kMinCaseSeconds each
  size_t current_ = 0;           // from 1; 0 before the first case
  double current_start_ = 0;
  double done_planned_ = 0, done_actual_ = 0;
  double shown_ = -1, shown_at_ = 0;
};

}  // namespace mapstress
