// The report files of a run: checked before the first case, rewritten whole after every case so
// that an interrupted or killed run still leaves valid reports of what finished.
#pragma once

#include <string>
#include <vector>

#include "report/reporter.h"

namespace mapstress {

struct ReportTarget {
  const ReporterInfo* reporter = nullptr;
  std::string path;
  bool stream = false;  // a device, FIFO or /dev/stdout: written once, by the last Write
  bool failed = false;  // the latest write of this file failed
};

class ReportWriter {
 public:
  // Adds a file; false (with a message naming the known formats) for an unknown format.
  bool Add(const std::string& format, const std::string& path, std::string* error);
  // Checks every path (folder exists and is writable, no path twice). Call before the run.
  bool Open(std::string* error);
  // Re-renders every file and replaces it atomically. Tries every file; returns the first error.
  // Stream targets are skipped unless `last` (a stream cannot be rewritten).
  bool Write(const ReportInput& input, std::string* error, bool last = true);

  const std::vector<ReportTarget>& targets() const { return targets_; }
  // The files whose latest write failed (full disk, removed folder): stale or missing on disk.
  std::vector<std::string> Stale() const;
  bool empty() const { return targets_.empty(); }

 private:
  std::vector<ReportTarget> targets_;
  bool opened_ = false;
};

// DIR/mapstress.<ext> (mapstress.<ext> when `dir` is empty).
std::string ReportPathIn(const std::string& dir, const ReporterInfo& reporter);

// --report-dir DIR: creates DIR and its parents when missing; false with the reason otherwise.
bool CreateReportDir(const std::string& dir, std::string* error);

// The command line's --format (repeatable), --out (the path of the --format in the same
// position) and --report-dir into `writer`. A --format without --out goes to
// mapstress.<ext> in --report-dir (created, with its parents) or the current folder;
// --report-dir alone means every format.
bool AddReportTargets(const std::vector<std::string>& formats, const std::vector<std::string>& outs,
                      const std::string& report_dir, ReportWriter* writer, std::string* error);

}  // namespace mapstress
