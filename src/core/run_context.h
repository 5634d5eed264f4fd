// Facts about the run as a whole, printed first and stored in every report.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mapstress {

struct ClockCheck {
  std::string source;        // "tsc" or "clock_gettime(CLOCK_MONOTONIC)"
  double resolution_ns = 0;  // smallest observed positive step
  double read_cost_ns = 0;   // cost of one fenced read
  uint64_t cross_core_samples = 0;
  uint64_t cross_core_violations = 0;  // a later read on another core that went backwards
  uint64_t fence_window_ns = 0;        // fast point ops share a fenced interval this long; 0 = every op fenced
  bool trusted = false;
  std::string note;  // why not trusted, or what was weak
};

struct RunContext {
  std::string tool_version;
  std::string host;
  unsigned cpus = 0;
  std::string compiler;
  std::string build_type;  // "Release", "Debug", ... plus " (asan)" when sanitized
  bool sanitized = false;
  uint64_t seed = 0;
  std::string start_time;  // ISO 8601 UTC
  std::string duration;    // override in words, "" = scenario's own
  uint32_t trials = 0;     // override, 0 = scenario's own
  std::string noise;       // schedule noise mode ("light"); "" in reports written before it was recorded
  ClockCheck clock;
  std::string command_line;
  std::map<std::string, std::string> backend_builds;  // plugin backend -> what built it ("go1.22.12 linux/amd64")
  // Which part of which plan this run is (absent in reports written before they existed: 0/0, "").
  uint32_t shard_index = 0;  // 1..shard_count
  uint32_t shard_count = 0;  // 1 = not sharded
  std::string plan;          // fingerprint of the full case list, seed and settings (16 hex digits)
  uint64_t plan_cases = 0;   // cases in the full plan, all shards together
  bool partial = false;      // a merge that lacks shards (--allow-partial)
};

}  // namespace mapstress
