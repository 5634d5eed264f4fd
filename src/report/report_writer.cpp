#include "report/report_writer.h"

#include <fmt/format.h>

#include <set>

#include "core/atomic_file.h"
#include "core/suggest.h"

namespace mapstress {

bool ReportWriter::Add(const std::string& format, const std::string& path, std::string* error) {
  const ReporterInfo* reporter = FindReporter(format);
  if (reporter == nullptr) {
    std::vector<std::string> names;
    for (const ReporterInfo& r : Reporters()) names.emplace_back(r.name);
    *error = fmt::format("--format: unknown report format '{}'{}; known: {}", format, DidYouMean(format, names),
                         fmt::join(names, ", "));
    return false;
  }
  targets_.push_back({reporter, path});
  opened_ = false;
  return true;
}

bool ReportWriter::Open(std::string* error) {
  std::set<std::string> seen;
  for (const ReportTarget& t : targets_) {
    if (!seen.insert(t.path).second) {
      *error = fmt::format("report path {} is given twice", t.path);
      return false;
    }
    if (!CheckWritable(t.path, error)) return false;
  }
  opened_ = true;
  return true;
}

bool ReportWriter::Write(const ReportInput& input, std::string* error) {
  if (!opened_) {
    *error = "report files written before they were opened";
    return false;
  }
  bool ok = true;
  for (const ReportTarget& t : targets_) {
    std::string this_error;
    if (!WriteFileAtomically(t.path, t.reporter->render(input), &this_error) && ok) {
      *error = this_error;
      ok = false;
    }
  }
  return ok;
}

std::string ReportPathIn(const std::string& dir, const ReporterInfo& reporter) {
  std::string name = std::string("mapstress.") + reporter.extension;
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

bool AddReportTargets(const std::vector<std::string>& formats, const std::vector<std::string>& outs,
                      const std::string& report_dir, ReportWriter* writer, std::string* error) {
  if (outs.size() > formats.size()) {
    *error = fmt::format(
        "--out is given {} time(s) but --format only {}: each --out names the file of the "
        "--format in the same position",
        outs.size(), formats.size());
    return false;
  }
  if (formats.empty()) {
    if (report_dir.empty()) return true;
    for (const ReporterInfo& r : Reporters()) {
      if (!writer->Add(r.name, ReportPathIn(report_dir, r), error)) return false;
    }
    return true;
  }
  for (size_t i = 0; i < formats.size(); ++i) {
    const ReporterInfo* r = FindReporter(formats[i]);
    std::string path = i < outs.size() ? outs[i] : r != nullptr ? ReportPathIn(report_dir, *r) : "";
    if (!writer->Add(formats[i], path, error)) return false;
  }
  return true;
}

}  // namespace mapstress
