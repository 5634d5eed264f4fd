// The command line: every subcommand and flag, defined once (CLI11), parsed into plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mapstress {

enum class Command { kNone, kRun, kValidate, kList, kCheck, kMerge, kExport, kShrink };

struct Options {
  Command command = Command::kNone;
  std::vector<std::string> paths;  // scenarios (run, validate, list scenarios) or files (check, merge, export)
  bool recursive = false;
  // run
  std::vector<std::string> backends;
  std::string filter;
  std::optional<uint64_t> seed;
  std::string duration;  // "" = the scenario's
  std::optional<uint32_t> trials;
  std::string time_budget;      // "" = none
  std::string shard;            // "i/n", "" = all
  uint64_t max_history_mb = 0;  // 0 = automatic
  bool isolate = false;
  bool allow_unsafe = false;
  std::string hang_grace = "10s";
  std::string fence_window;     // "" = kDefaultFenceWindow
  bool no_batch_calls = false;  // one call per op even for maps that run batches
  std::string noise;            // "" = kDefaultNoise
  uint32_t shards = 16;
  std::string redis = "auto";
  bool redis_force_hashtable = false;
  std::string save_history;
  // shrink (also: backends, seed, duration, trials, plugins, expect, hang_grace, isolate, allow_unsafe)
  std::string shrink_kind;  // "" = the failure the first runs show most
  uint32_t shrink_runs = 4;
  uint32_t shrink_min_failing = 2;
  std::string shrink_budget = "5m";
  std::string shrink_out;  // "" = <scenario name>.min.json
  // run, check
  std::vector<std::string> expect;  // "kind=GRADE"
  std::string guarantee;            // check: re-grade as this promise
  // check, export: caps on one history file (see history/line_reader.h)
  uint64_t max_line_mb = 0;                 // 0 = kDefaultMaxLineMb
  uint64_t max_input_mb = 0;                // 0 = kDefaultMaxInputMb
  std::string input_timeout;                // "" = kFifoIdleTimeout
  std::optional<uint64_t> check_key;        // check: drill down into one key
  std::optional<uint64_t> check_iteration;  // check: drill down into one iteration (1-based)
  size_t examples = 3;                      // examples kept per anomaly kind
  size_t check_threads = 0;                 // run, check: checker threads; 0 = DefaultCheckThreads()
  // run, list
  std::vector<std::string> plugins;
  bool no_bundled_plugins = false;  // skip the Go plugins built with mapstress
  // reports (run, check, merge)
  std::vector<std::string> formats;
  std::vector<std::string> outs;
  std::string report_dir;
  bool no_color = false;
  bool no_progress = false;
  // merge
  bool allow_partial = false;
  // list
  std::string list_what;  // backends | scenarios | formats
  bool verbose = false;
  // export
  std::string export_to = "jepsen";
  std::string export_out;  // "" = stdout
  std::string window;      // export --to chrome-trace: "LO:HI" or "example:K[:PAD]"
  std::string trace_dir;   // run, check: a chrome trace per failing trial
  std::string command_line;
};

// Parses argv. Returns -1 to go on, or the exit code to return now (0 after --help/--version,
// 2 after a usage error, already printed).
int ParseCommandLine(int argc, const char* const* argv, Options* options);

}  // namespace mapstress
