// The `markdown` report: a page for a pull request or a wiki: settings, the matrix, then the
// evidence of every failing case.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/case_report_json.h"
#include "core/text_width.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report/reporter.h"
#include "report/terminal.h"

namespace mapstress {
namespace {

// Plain text safe inside a paragraph or a table cell: Markdown and HTML characters are escaped,
// line breaks become spaces.
std::string Md(std::string_view raw) {
  std::string text = ValidUtf8(raw);
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
      case '|':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
        out += '\\';
        out += c;
        break;
      case '\n':
      case '\r':
      case '\t': out += ' '; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string Cell(const CaseReport& c) {
  if (c.status == CaseStatus::kUnsupported) return "➖ unsupported";
  if (c.status == CaseStatus::kError) return "🛑 error";
  if (c.outcome == Outcome::kCrashed) return "💥 crashed";
  if (c.outcome == Outcome::kHung) return "⏳ hung";
  if (c.status == CaseStatus::kInconclusive) return "⚠️ inconclusive";
  std::string rate = FormatPercent(ComputeRates(c.check).iteration_deviation.value);
  return c.status == CaseStatus::kFail ? "❌ fail " + rate : "✅ pass " + rate;
}

std::string Matrix(const std::vector<CaseReport>& cases) {
  std::vector<std::string> scenarios, backends;
  std::map<std::pair<std::string, std::string>, const CaseReport*> cells;
  for (const CaseReport& c : cases) {
    if (std::find(scenarios.begin(), scenarios.end(), c.scenario) == scenarios.end()) scenarios.push_back(c.scenario);
    if (std::find(backends.begin(), backends.end(), c.backend) == backends.end()) backends.push_back(c.backend);
    cells[{c.scenario, c.backend}] = &c;
  }
  std::string out = "| scenario |";
  for (const std::string& b : backends) out += " " + Md(b) + " |";
  out += "\n|---|";
  for (size_t i = 0; i < backends.size(); ++i) out += "---|";
  out += "\n";
  for (const std::string& s : scenarios) {
    out += "| " + Md(s) + " |";
    for (const std::string& b : backends) {
      auto it = cells.find({s, b});
      out += " " + (it == cells.end() ? std::string("–") : Cell(*it->second)) + " |";
    }
    out += "\n";
  }
  return out;
}

std::string Failure(const CaseReport& c) {
  std::string out = fmt::format("### {} × {}\n\n", Md(c.scenario), Md(c.backend));
  out += fmt::format("{}, guarantee {}, {} iterations, {} loads, trials {}/{}, seed {}{}.\n\n", Md(c.scenario_path),
                     GuaranteeName(c.guarantee), c.check.iterations, c.check.loads, c.trials_completed, c.trials,
                     c.seed, c.truncated ? ", history truncated" : "");
  out += "| anomaly | count | rate | expect | description |\n|---|---:|---:|---|---|\n";
  for (int i = 0; i < kAnomalyCount; ++i) {
    Anomaly a = static_cast<Anomaly>(i);
    if (c.check.Count(a) == 0) continue;
    out += fmt::format("| {} | {} | {} | {} | {} |\n", Md(AnomalyName(a)), c.check.Count(a),
                       FormatPercent(AnomalyRate(c, a)), GradeName(c.grading.Of(a)), Md(AnomalyDescription(a)));
  }
  if (c.outcome == Outcome::kCrashed) {
    out += fmt::format("| crashed | – | – | {} | the case's process died{} |\n", GradeName(c.grading.crashed),
                       c.signal.empty() ? "" : " of " + Md(c.signal));
  }
  if (c.outcome == Outcome::kHung) {
    out += fmt::format("| hung | – | – | {} | the case did not finish within its time budget and was killed |\n",
                       GradeName(c.grading.hung));
  }
  std::vector<const Example*> examples = ExamplesWorstFirst(c);
  if (!examples.empty()) {
    out += "\nFirst explanations:\n\n";
    for (size_t i = 0; i < examples.size() && i < 3; ++i) {
      const Example& e = *examples[i];
      std::string key = e.kind == Anomaly::kNotSnapshot && e.key == 0 ? "" : fmt::format(", key {}", e.key);
      out += fmt::format("{}. **{}**{}: {}\n", i + 1, Md(AnomalyName(e.kind)), key, Md(e.explanation));
      for (const std::string& w : e.witnesses) out += "   - " + Md(w) + "\n";
    }
  }
  if (!c.message.empty()) out += "\nMessage: " + Md(c.message) + "\n";
  return out + "\n";
}

// Per backend over all its cases: what it promised next to what was observed.
std::string BackendSummary(const std::vector<CaseReport>& cases) {
  struct Totals {
    Guarantee guarantee = Guarantee::kWeak;
    std::map<CaseStatus, int> statuses;
    int crashed = 0, hung = 0;
    std::array<uint64_t, kAnomalyCount> anomalies{};
    std::array<Grade, kAnomalyCount> grades{};
    uint64_t iterations = 0, not_snapshot = 0, ops = 0;
    double seconds = 0;
  };
  std::vector<std::string> order;
  std::map<std::string, Totals> by_backend;
  for (const CaseReport& c : cases) {
    if (!by_backend.count(c.backend)) order.push_back(c.backend);
    Totals& t = by_backend[c.backend];
    t.guarantee = c.guarantee;
    ++t.statuses[c.status];
    t.crashed += c.outcome == Outcome::kCrashed;
    t.hung += c.outcome == Outcome::kHung;
    for (int k = 0; k < kAnomalyCount; ++k) {
      if (c.check.anomalies[k] > 0 && t.anomalies[k] == 0) t.grades[k] = c.grading.anomaly[k];
      t.anomalies[k] += c.check.anomalies[k];
    }
    t.iterations += c.check.iterations;
    t.not_snapshot += c.check.iterations - c.check.snapshot;
    for (const OpStats& s : c.ops) t.ops += s.count;
    t.seconds += c.duration_s;
  }
  std::string out =
      "## Per backend\n\n| backend | promise | cases | observed anomalies | snapshot deviation | ops/s |\n"
      "|---|---|---|---|---|---|\n";
  for (const std::string& b : order) {
    const Totals& t = by_backend[b];
    std::string statuses;
    for (const auto& [status, n] : t.statuses) {
      statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", n, CaseStatusName(status));
    }
    if (t.crashed) statuses += fmt::format(" ({} crashed)", t.crashed);
    if (t.hung) statuses += fmt::format(" ({} hung)", t.hung);
    std::string seen;
    for (int k = 0; k < kAnomalyCount; ++k) {
      if (t.anomalies[k] == 0) continue;
      seen += fmt::format("{}{} {} ({})", seen.empty() ? "" : ", ", AnomalyName(static_cast<Anomaly>(k)),
                          t.anomalies[k], GradeWord(t.grades[k]));
    }
    Rate snapshot = MakeRate(t.not_snapshot, t.iterations);
    std::string deviation = t.iterations == 0 ? "–"
                            : t.not_snapshot == 0
                                ? fmt::format("0 of {} (95% bound < {:.2g}%)", t.iterations, snapshot.hi * 100)
                                : fmt::format("{} of {} iterations", FormatPercent(snapshot.value), t.iterations);
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", Md(b), GuaranteeName(t.guarantee), statuses,
                       seen.empty() ? "none" : seen, deviation,
                       t.seconds > 0 ? FormatCount(static_cast<double>(t.ops) / t.seconds) : "–");
  }
  return out + "\n";
}

}  // namespace

std::string RenderMarkdownReport(const ReportInput& input) {
  std::string out = "# mapstress report\n\n";
  std::string settings;
  for (const std::string& fact : SettingsFacts(input.context)) settings += (settings.empty() ? "" : " · ") + fact;
  if (!input.context.host.empty()) settings += " · host " + input.context.host;
  if (!input.context.start_time.empty()) settings += " · started " + input.context.start_time;
  out += Md(settings) + "\n\n";
  if (input.interrupted) {
    out += "> **Interrupted:** the run was stopped early; this report holds the cases that finished.\n\n";
  }
  if (input.cases.empty()) return out + "No case finished.\n";
  out += Matrix(input.cases) + "\n" + RenderTotals(input.cases) + "\n" + BackendSummary(input.cases);
  bool heading = false;
  for (const CaseReport& c : input.cases) {
    if (c.status != CaseStatus::kFail) continue;
    if (!heading) out += "## Failures\n\n";
    heading = true;
    out += Failure(c);
  }
  heading = false;
  for (const CaseReport& c : input.cases) {
    if (c.status != CaseStatus::kError && c.status != CaseStatus::kUnsupported &&
        c.status != CaseStatus::kInconclusive) {
      continue;
    }
    if (!heading) out += "## Not checked\n\n";
    heading = true;
    out += fmt::format("- {} × {}: {}{}\n", Md(c.scenario), Md(c.backend), CaseStatusName(c.status),
                       c.message.empty() ? "" : " — " + Md(c.message));
  }
  if (heading) out += "\n";
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace mapstress
