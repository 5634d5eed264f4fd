// `mapstress merge`: several JSON reports (e.g. one per --shard) read back into one run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/case_report.h"
#include "core/run_context.h"

namespace mapstress {

// 2: examples carry their proof as data and give times in the history's nanoseconds
// (src/report/README.md); 1 is still read.
inline constexpr int kReportSchemaVersion = 2;
inline constexpr int kOldestReadableSchemaVersion = 1;

// One JSON report read back.
struct ParsedReport {
  int schema_version = kReportSchemaVersion;
  RunContext context;
  bool interrupted = false;
  size_t planned = 0;  // summary.planned (0 when the file does not say)
  std::vector<CaseReport> cases;
};

// A JSON report's document into `out`; errors name `name` (the file) and the bad field.
bool ParseJsonReport(const nlohmann::json& document, const std::string& name, ParsedReport* out, std::string* error);
bool ReadJsonReport(const std::string& path, ParsedReport* out, std::string* error);

struct MergedReport {
  RunContext context;              // the first file's
  bool interrupted = false;        // any file's run was interrupted
  size_t planned = 0;              // the cases the files' runs planned (their totals where not said)
  std::vector<CaseReport> cases;   // every file's, in file order
  std::vector<std::string> notes;  // differences worth telling (seeds, versions)
};

// Reads every file; false with an error naming the file on a bad file, when the same
// scenario × backend appears twice, and unless the files are every shard of one plan exactly
// once (naming the missing, repeated or foreign shards). `allow_partial` merges such a set
// anyway: context.partial is set and the notes say what is missing or mixed.
bool MergeReports(const std::vector<std::string>& paths, MergedReport* out, std::string* error,
                  bool allow_partial = false);

// The shard check alone: "" when `contexts` (one per file in `paths`) are every shard of one
// plan exactly once, else what is missing or mixed.
std::string ShardSetProblem(const std::vector<std::string>& paths, const std::vector<RunContext>& contexts);

}  // namespace mapstress
