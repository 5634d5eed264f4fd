#include "report/report_merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "core/case_report_json.h"

namespace mapstress {

bool ParseJsonReport(const nlohmann::json& doc, const std::string& name, ParsedReport* out, std::string* error) {
  if (!doc.is_object()) {
    *error = fmt::format("{}: not a mapstress JSON report (expected an object)", name);
    return false;
  }
  auto version = doc.find("schema_version");
  if (version == doc.end() || !version->is_number_integer()) {
    *error = fmt::format("{}: not a mapstress JSON report (no schema_version)", name);
    return false;
  }
  int64_t v = version->get<int64_t>();
  if (v < kOldestReadableSchemaVersion || v > kReportSchemaVersion) {
    *error = fmt::format("{}: schema_version {} is not supported (this mapstress reads versions {} to {})", name,
                         version->dump(), kOldestReadableSchemaVersion, kReportSchemaVersion);
    return false;
  }
  ParsedReport parsed;
  parsed.schema_version = static_cast<int>(v);
  std::string field_error;
  auto context = doc.find("context");
  if (context == doc.end()) {
    *error = fmt::format("{}: context: missing", name);
    return false;
  }
  if (!RunContextFromJson(*context, &parsed.context, &field_error)) {
    *error = fmt::format("{}: {}", name, field_error);
    return false;
  }
  auto interrupted = doc.find("interrupted");
  if (interrupted != doc.end()) {
    if (!interrupted->is_boolean()) {
      *error = fmt::format("{}: interrupted: expected true or false", name);
      return false;
    }
    parsed.interrupted = interrupted->get<bool>();
  }
  // A report of a run that never finished plans more cases than it holds: merging it says so.
  auto summary = doc.find("summary");
  if (summary != doc.end() && summary->is_object()) {
    auto planned = summary->find("planned");
    if (planned != summary->end() && planned->is_number_unsigned()) parsed.planned = planned->get<size_t>();
  }
  auto cases = doc.find("cases");
  if (cases == doc.end() || !cases->is_array()) {
    *error = fmt::format("{}: cases: expected an array", name);
    return false;
  }
  for (size_t i = 0; i < cases->size(); ++i) {
    CaseReport report;
    if (!CaseReportFromJson((*cases)[i], &report, &field_error)) {
      *error = fmt::format("{}: cases[{}]: {}", name, i, field_error);
      return false;
    }
    parsed.cases.push_back(std::move(report));
  }
  *out = std::move(parsed);
  return true;
}

bool ReadJsonReport(const std::string& path, ParsedReport* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = fmt::format("{}: cannot be read", path);
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    *error = fmt::format("{}: not valid JSON", path);
    return false;
  }
  return ParseJsonReport(doc, path, out, error);
}

std::string ShardSetProblem(const std::vector<std::string>& paths, const std::vector<RunContext>& contexts) {
  std::vector<std::string> problems;
  for (size_t f = 0; f < paths.size(); ++f) {
    if (contexts[f].shard_count == 0 || contexts[f].plan.empty()) {
      problems.push_back(fmt::format("{} records no shard or plan (written before mapstress recorded them)", paths[f]));
    }
  }
  if (!problems.empty()) return fmt::format("{}", fmt::join(problems, "; "));
  // Group by plan and shard count: one group is one run's shards.
  std::map<std::pair<std::string, uint32_t>, std::vector<size_t>> groups;
  for (size_t f = 0; f < paths.size(); ++f) groups[{contexts[f].plan, contexts[f].shard_count}].push_back(f);
  if (groups.size() > 1) {
    std::vector<std::string> parts;
    for (const auto& [key, files] : groups) {
      std::vector<std::string> names;
      for (size_t f : files) names.push_back(fmt::format("{} ({}/{})", paths[f], contexts[f].shard_index, key.second));
      parts.push_back(fmt::format("plan {} of {} shards, seed {}: {}", key.first, key.second, contexts[files[0]].seed,
                                  fmt::join(names, ", ")));
    }
    return fmt::format(
        "the reports come from different runs (each run's shards share one plan: the same scenarios, "
        "--backend, --filter, --seed, settings and shard count): {}",
        fmt::join(parts, "; "));
  }
  const auto& [key, files] = *groups.begin();
  uint32_t n = key.second;
  std::vector<std::vector<size_t>> by_index(n + 1);
  for (size_t f : files) by_index[contexts[f].shard_index].push_back(f);
  for (uint32_t i = 1; i <= n; ++i) {
    if (by_index[i].size() > 1) {
      std::vector<std::string> names;
      for (size_t f : by_index[i]) names.push_back(paths[f]);
      problems.push_back(
          fmt::format("shard {}/{} is given {} times ({})", i, n, by_index[i].size(), fmt::join(names, ", ")));
    }
  }
  std::vector<std::string> missing;
  for (uint32_t i = 1; i <= n; ++i) {
    if (by_index[i].empty()) missing.push_back(fmt::format("{}/{}", i, n));
  }
  if (!missing.empty()) {
    problems.push_back(fmt::format("missing shard{} {} of plan {} (seed {})", missing.size() == 1 ? "" : "s",
                                   fmt::join(missing, ", "), key.first, contexts[files[0]].seed));
  }
  return fmt::format("{}", fmt::join(problems, "; "));
}

bool MergeReports(const std::vector<std::string>& paths, MergedReport* out, std::string* error, bool allow_partial) {
  MergedReport merged;
  std::vector<ParsedReport> reports(paths.size());
  std::vector<RunContext> contexts;
  for (size_t f = 0; f < paths.size(); ++f) {
    if (!ReadJsonReport(paths[f], &reports[f], error)) return false;
    contexts.push_back(reports[f].context);
  }
  std::string problem = ShardSetProblem(paths, contexts);
  if (!problem.empty() && !allow_partial) {
    *error = problem + " (--allow-partial merges them anyway, marked partial)";
    return false;
  }
  std::map<std::pair<std::string, std::string>, std::string> owner;  // scenario x backend -> file
  for (size_t f = 0; f < paths.size(); ++f) {
    ParsedReport& report = reports[f];
    if (f == 0) {
      merged.context = report.context;
    } else {
      if (report.context.seed != merged.context.seed) {
        merged.notes.push_back(fmt::format("{} ran with seed {} but {} with seed {}; the merged report shows {}",
                                           paths[f], report.context.seed, paths[0], merged.context.seed,
                                           merged.context.seed));
      }
      if (report.context.tool_version != merged.context.tool_version) {
        merged.notes.push_back(fmt::format("{} was written by mapstress {} but {} by {}", paths[f],
                                           report.context.tool_version, paths[0], merged.context.tool_version));
      }
    }
    if (report.schema_version < 2) {
      merged.notes.push_back(fmt::format(
          "{} is a schema_version {} report: its examples are text only, with times in seconds from the trial's "
          "first call and values in hex (no structured witnesses, no per-key spread)",
          paths[f], report.schema_version));
    }
    merged.interrupted |= report.interrupted;
    merged.planned += report.planned != 0 ? report.planned : report.cases.size();
    for (const CaseReport& c : report.cases) {
      auto [it, inserted] = owner.emplace(std::make_pair(c.scenario, c.backend), paths[f]);
      if (!inserted) {
        *error = fmt::format("{} × {} appears in both {} and {}", c.scenario, c.backend, it->second, paths[f]);
        return false;
      }
    }
  }
  // `--shard i/n` runs plan cases k with k % n == i - 1, so taking one case from each shard in
  // turn, in shard order, restores the plan's order; anything else keeps the files' order.
  std::vector<size_t> order(paths.size());
  for (size_t f = 0; f < order.size(); ++f) order[f] = f;
  if (problem.empty() && contexts.size() > 1) {
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return contexts[a].shard_index < contexts[b].shard_index; });
    for (size_t round = 0, added = 1; added > 0; ++round) {
      added = 0;
      for (size_t f : order) {
        if (round < reports[f].cases.size()) merged.cases.push_back(std::move(reports[f].cases[round])), ++added;
      }
    }
  } else {
    for (size_t f : order) {
      for (CaseReport& c : reports[f].cases) merged.cases.push_back(std::move(c));
    }
  }
  // The merge stands for the whole plan: one shard of one, or partial.
  merged.context.shard_index = 1;
  merged.context.shard_count = 1;
  merged.context.partial = !problem.empty();
  for (const RunContext& c : contexts) merged.context.partial |= c.partial;
  if (!problem.empty()) merged.notes.push_back("partial merge: " + problem);
  *out = std::move(merged);
  return true;
}

}  // namespace mapstress
