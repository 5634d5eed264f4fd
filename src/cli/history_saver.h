// --save-history [MODE:]DIR: every trial's history is written after the trial; when the case
// ends, the histories of cases the mode does not keep are removed again, and the run ends with
// a note of what was kept, how big, and where.
#pragma once

#include <cstdint>
#include <string>

#include "core/case_report.h"
#include "core/history.h"

namespace mapstress {

enum class HistoryMode : uint8_t { kAll, kInteresting, kFailures };

class HistorySaver {
 public:
  // "DIR" (all), "failures" / "interesting" / "all" (in ./mapstress-histories), or "MODE:DIR".
  // Creates the folder; false with a message when the value or the folder is unusable.
  bool Open(const std::string& value, std::string* error);
  void Save(const History& history) const;  // called after each trial (in an isolated case's child too)
  void CaseDone(const CaseReport& report);  // keeps or removes the case's trial files
  std::string SizeNote() const;             // "histories: 3 files, 1.2 MB in DIR (...)"

  const std::string& dir() const { return dir_; }
  HistoryMode mode() const { return mode_; }

 private:
  bool Keeps(const CaseReport& report) const;

  std::string dir_;
  HistoryMode mode_ = HistoryMode::kAll;
  uint64_t kept_files_ = 0, kept_bytes_ = 0, kept_cases_ = 0;
  uint64_t removed_files_ = 0, removed_bytes_ = 0, removed_cases_ = 0;
};

}  // namespace mapstress
