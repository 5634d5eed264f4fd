// The reporter table: every report file format, in the order `list formats` shows them.
#include "report/reporter.h"

namespace mapstress {

// Each lives in <name>_reporter.cpp.
std::string RenderHtmlReport(const ReportInput& input);
std::string RenderJsonReport(const ReportInput& input);
std::string RenderJunitReport(const ReportInput& input);
std::string RenderMarkdownReport(const ReportInput& input);
std::string RenderMarkdownMatrixReport(const ReportInput& input);  // in markdown_reporter.cpp
std::string RenderTsvReport(const ReportInput& input);

const std::vector<ReporterInfo>& Reporters() {
  static const std::vector<ReporterInfo> kReporters = {
      {"html", "html", "one self-contained page to open in a browser: heat maps, charts, SVG timelines",
       RenderHtmlReport},
      {"json", "json", "the whole run, machine-readable (src/report/README.md); `merge` reads it", RenderJsonReport},
      {"junit", "xml", "JUnit XML for CI: a testsuite per scenario, a testcase per backend", RenderJunitReport},
      {"markdown", "md", "settings, the result matrix and each failure's evidence, for humans", RenderMarkdownReport},
      {"matrix", "matrix.md",
       "the scenario × backend table alone, each cell with its verdict, snapshot deviation and anomaly kinds",
       RenderMarkdownMatrixReport},
      {"tsv", "tsv", "one tab-separated line per case, for spreadsheets and scripts", RenderTsvReport},
  };
  return kReporters;
}

const ReporterInfo* FindReporter(const std::string& name) {
  for (const auto& r : Reporters()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

}  // namespace mapstress
