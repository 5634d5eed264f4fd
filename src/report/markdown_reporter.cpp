// The `markdown` report: a page for a pull request or a wiki: settings, the matrix, then the
// evidence of every failing case.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/case_report_json.h"
#include "core/text_width.h"
#include "report/anomaly_share.h"
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
  Anomaly worst;
  if (c.status == CaseStatus::kFail && WorstAnomaly(c, &worst)) return "❌ FAIL " + Md(AnomalyName(worst));
  Rate rate = ComputeRates(c.check).iteration_deviation;
  std::string pct = rate.count == 0 ? "0%" : FormatPercent(rate.value);
  return c.status == CaseStatus::kFail ? "❌ FAIL " + pct : "✅ pass " + pct;
}

// The `matrix` report's cell: the verdict, the snapshot deviation and every anomaly kind seen;
// a crash shows the runtime's reason ("concurrent map writes") when it printed one.
std::string DetailedCell(const CaseReport& c) {
  if (c.outcome == Outcome::kCrashed) {
    size_t fatal = c.message.find("fatal error: ");
    std::string why = fatal != std::string::npos ? c.message.substr(fatal + 13) : c.signal;
    why = why.substr(0, why.find_first_of("\n;("));
    while (!why.empty() && why.back() == ' ') why.pop_back();
    return why.empty() ? "💥 crashed" : "💥 crashed: " + Md(why);
  }
  if (c.status != CaseStatus::kPass && c.status != CaseStatus::kFail) return Cell(c);
  std::string out = fmt::format("{} {}", c.status == CaseStatus::kFail ? "❌ fail" : "✅ pass",
                                FormatPercent(ComputeRates(c.check).snapshot_deviation.value));
  std::string kinds;
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (c.check.anomalies[i] > 0) kinds += (kinds.empty() ? "" : ", ") + Md(AnomalyName(static_cast<Anomaly>(i)));
  }
  return kinds.empty() ? out : out + " " + kinds;
}

std::string Matrix(const std::vector<CaseReport>& cases, std::string (*cell)(const CaseReport&) = Cell) {
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
      out += " " + (it == cells.end() ? std::string("–") : cell(*it->second)) + " |";
    }
    out += "\n";
  }
  return out + "\n" + Md(MatrixLegend()) + "\n";
}

std::string Failure(const CaseReport& c) {
  std::string out = fmt::format("### {} × {}\n\n", Md(c.scenario), Md(c.backend));
  out +=
      fmt::format("{}, guarantee {}, {}, {}, trials {}/{}, seed {}{}.\n\n", Md(c.scenario_path),
                  GuaranteeName(c.guarantee), CountOf(c.check.iterations, "iteration"), CountOf(c.check.loads, "load"),
                  c.trials_completed, c.trials, c.seed, c.truncated ? ", history truncated" : "");
  out += "| anomaly | count | seen | expect | description |\n|---|---:|---|---|---|\n";
  for (int i = 0; i < kAnomalyCount; ++i) {
    Anomaly a = static_cast<Anomaly>(i);
    if (c.check.Count(a) == 0) continue;
    out += fmt::format("| {} | {} | {} | {} | {} |\n", Md(AnomalyName(a)), FormatThousands(c.check.Count(a)),
                       ShareText(ShareOf(c.check, a)), GradeName(c.grading.Of(a)), Md(AnomalyDescription(a)));
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

std::string Settings(const RunContext& context) {
  std::string settings;
  for (const std::string& fact : SettingsFacts(context)) settings += (settings.empty() ? "" : " · ") + fact;
  if (!context.host.empty()) settings += " · host " + context.host;
  if (!context.start_time.empty()) settings += " · started " + context.start_time;
  return Md(settings);
}

}  // namespace

std::string RenderMarkdownMatrixReport(const ReportInput& input) {
  std::string out = Settings(input.context) + "\n\n";
  if (input.interrupted) out += "> **Interrupted:** the run was stopped early.\n\n";
  if (input.cases.empty()) return out + "No case finished.\n";
  out += Matrix(input.cases, DetailedCell);
  out += "\nCells: verdict, share of iterations that were not a snapshot of the map, anomaly kinds seen.\n";
  if (!input.context.backend_builds.empty()) {
    std::string builds;
    for (const auto& [backend, build] : input.context.backend_builds) {
      builds += fmt::format("{}{}: {}", builds.empty() ? "" : " · ", Md(backend), Md(build));
    }
    out += "Built with: " + builds + ".\n";
  }
  return out;
}

std::string RenderMarkdownReport(const ReportInput& input) {
  std::string out = "# mapstress report\n\n";
  out += Settings(input.context) + "\n\n";
  if (input.interrupted) {
    out += "> **Interrupted:** the run was stopped early; this report holds the cases that finished.\n\n";
  }
  if (input.context.partial) {
    out +=
        "> **Partial:** merged from an incomplete or mixed set of shards (`merge --allow-partial`); cases of "
        "the missing shards are not in this report.\n\n";
  }
  if (input.context.shard_count > 1) {
    out += fmt::format("Shard {}/{} of plan {} ({} cases in all).\n\n", input.context.shard_index,
                       input.context.shard_count, Md(input.context.plan), input.context.plan_cases);
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
