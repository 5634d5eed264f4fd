// The `tsv` report: one line per case for spreadsheets, awk and plotting scripts.
#include <fmt/format.h>

#include "report/reporter.h"

namespace mapstress {
namespace {

// Names never break the columns or reach a terminal raw: tabs and line breaks become spaces,
// other control bytes (and DEL) a visible \xNN.
std::string Field(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\t' || c == '\n' || c == '\r') {
      out.push_back(' ');
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string RenderTsvReport(const ReportInput& input) {
  std::string out =
      "scenario\tbackend\tstatus\toutcome\titerations\tanomalous\titeration_deviation\tsnapshot_deviation\t"
      "key_deviation";
  for (int i = 0; i < kAnomalyCount; ++i) out += fmt::format("\t{}", AnomalyName(static_cast<Anomaly>(i)));
  out += "\tops_per_sec\ttruncated\n";
  for (const CaseReport& c : input.cases) {
    Rates rates = ComputeRates(c.check);
    double ops_per_sec = 0;
    for (const OpStats& s : c.ops) ops_per_sec += s.per_sec;
    out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{:.6g}\t{:.6g}\t{:.6g}", Field(c.scenario), Field(c.backend),
                       CaseStatusName(c.status), OutcomeName(c.outcome), c.check.iterations, c.check.anomalous,
                       rates.iteration_deviation.value, rates.snapshot_deviation.value, rates.key_deviation.value);
    for (uint64_t n : c.check.anomalies) out += fmt::format("\t{}", n);
    out += fmt::format("\t{:.0f}\t{}\n", ops_per_sec, c.truncated ? "true" : "false");
  }
  return out;
}

}  // namespace mapstress
