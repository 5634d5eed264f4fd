#include "report/report_merge.h"

#include <fmt/format.h>

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

bool MergeReports(const std::vector<std::string>& paths, MergedReport* out, std::string* error) {
  MergedReport merged;
  std::map<std::pair<std::string, std::string>, std::string> owner;  // scenario x backend -> file
  for (size_t f = 0; f < paths.size(); ++f) {
    ParsedReport report;
    if (!ReadJsonReport(paths[f], &report, error)) return false;
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
    for (CaseReport& c : report.cases) {
      auto [it, inserted] = owner.emplace(std::make_pair(c.scenario, c.backend), paths[f]);
      if (!inserted) {
        *error = fmt::format("{} × {} appears in both {} and {}", c.scenario, c.backend, it->second, paths[f]);
        return false;
      }
      merged.cases.push_back(std::move(c));
    }
  }
  *out = std::move(merged);
  return true;
}

}  // namespace mapstress
