// The `html` report: one self-contained page (no network, no external scripts or fonts) that
// a person opens in a browser: the verdict heat map, the snapshot-deviation matrix, the load
// levels as a chart, latency percentiles, the settings, and every failing or interesting case
// with its examples drawn as SVG timelines. Everything but clicking an op works without JS.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "core/case_report_json.h"
#include "report/case_facts.h"
#include "report/exit_code.h"
#include "report/number_format.h"
#include "report/reporter.h"
#include "report/svg_timeline.h"
#include "report/timeline.h"

namespace mapstress {
namespace {

std::string H(std::string_view raw) { return XmlEscape(ValidUtf8(raw)); }

constexpr const char* kStyle = R"(
:root{--fail:#c62828;--pass:#2e7d32;--warn:#b26a00;--muted:#6b6b6b;--line:#ddd}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1d1d1d;background:#fafafa}
header{background:#1f2a44;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header .sub{opacity:.85}
main{padding:8px 28px 40px;max-width:1400px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.num,table.anomalies td:nth-child(2),table.anomalies td:nth-child(3){text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff}
.s-pass{background:var(--pass)}.s-fail{background:var(--fail)}.s-inconclusive{background:var(--warn)}
.s-error{background:#6d4c41}.s-unsupported{background:#9e9e9e}
.g-FORBIDDEN{color:var(--fail);font-weight:600}.g-INTERESTING{color:var(--warn);font-weight:600}.g-ACCEPTABLE{color:var(--pass)}
table.heat td.cell{min-width:84px;text-align:center;font-weight:600;color:#123;white-space:nowrap}
table.heat th{white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
table.heat td.cell a{color:inherit;text-decoration:none;display:block}
.legend{display:flex;gap:14px;flex-wrap:wrap;margin:8px 0;font-size:12px;color:var(--muted)}
.legend span.sw{display:inline-block;width:14px;height:14px;border:1px solid #999;vertical-align:middle;margin-right:4px}
.summary span{margin-right:14px}
.case{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 16px 14px;margin:14px 0}
.case h3 a{color:inherit}
.spread{margin:6px 0;padding-left:18px}
.example{border-top:1px dashed var(--line);margin-top:10px;padding-top:8px}
.example .why{margin:4px 0 6px}
.example ul{margin:4px 0;padding-left:18px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
ol.more{margin:6px 0;padding-left:22px;font-size:13px}
ol.more li{margin:2px 0}
.details{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;white-space:pre;background:#f6f6f6;border:1px solid var(--line);padding:6px 8px;margin-top:6px;display:none}
.details.shown{display:block}
.note{color:var(--muted);font-size:12px}
.banner{background:#fff3cd;border:1px solid #e0c060;padding:8px 12px;margin:12px 0}
)";

// Click an op: its numbers (its <title>) go into the example's details box (hover works without this).
constexpr const char* kScript = R"(
document.addEventListener('click',function(e){
  var g=e.target.closest&&e.target.closest('g.op');if(!g)return;
  var ex=g.closest('.example');if(!ex)return;
  var box=ex.querySelector('.details');box.textContent=g.querySelector('title').textContent;box.classList.add('shown');
});
)";

// Cases drawn in full (every example with its timeline); after them a case shows its first example's
// timeline and its other examples as one line each, so a page of 1,000 failing cases stays a few MB.
constexpr size_t kFullCases = 10;

constexpr const char* kCompactNote =
    "<p class=\"note\">After the first {} cases, a case draws its first example only and lists its others a "
    "line each; their witnesses and explanations are in the JSON report.</p>\n";

// Once above the cases: how to read every timeline.
constexpr const char* kTimelineLegend =
    "<div class=\"legend\"><span><span class=\"sw\" style=\"background:#fde9a8\"></span>the iteration's, "
    "load's or erase's window</span><span><span class=\"sw\" style=\"background:#7a4fc9;opacity:.4\"></span>the "
    "subject "
    "(iterate, load or erase)</span><span><span class=\"sw\" "
    "style=\"background:#2f6fdf\"></span>store</span><span><span "
    "class=\"sw\" style=\"background:#e07b00\"></span>erase</span><span><span class=\"sw\" "
    "style=\"background:#1a9c5a\"></span>load</span><span>key row: <span class=\"sw st-present\"></span>only "
    "present</span><span><span class=\"sw st-either\"></span>present or absent</span><span><span class=\"sw "
    "st-absent\"></span>only absent</span><span>times: ns on the history's clock, after the time at the top "
    "left; hover an operation for its exact numbers, click to keep them under the picture</span></div>\n";

const char* StatusClass(CaseStatus s) { return CaseStatusName(s); }

std::string StatusBadge(CaseStatus s) {
  return fmt::format("<span class=\"badge s-{}\">{}</span>", StatusClass(s), VerdictWord(s));
}

// Heat map colour of a verdict cell: green for pass (deeper with more acceptable deviation), red
// for fail (deeper with more deviation), amber, brown, grey for the rest.
std::string VerdictColor(const CaseReport& c, std::string* text_color) {
  *text_color = "#fff";
  double rate = ComputeRates(c.check).iteration_deviation.value;
  switch (c.status) {
    case CaseStatus::kPass: {
      double d = ComputeRates(c.check).snapshot_deviation.value;
      *text_color = "#123";
      int l = static_cast<int>(88 - 18 * std::sqrt(std::clamp(d, 0.0, 1.0)));
      return fmt::format("hsl(130,45%,{}%)", l);
    }
    case CaseStatus::kFail: {
      if (c.outcome != Outcome::kCompleted) return "#5d0f0f";
      int l = static_cast<int>(58 - 26 * std::sqrt(std::clamp(rate, 0.0, 1.0)));
      return fmt::format("hsl(0,70%,{}%)", l);
    }
    case CaseStatus::kInconclusive: return "#e6a700";
    case CaseStatus::kError: return "#6d4c41";
    case CaseStatus::kUnsupported: *text_color = "#333"; return "#d6d6d6";
  }
  return "#ccc";
}

std::string VerdictText(const CaseReport& c) {
  if (c.status == CaseStatus::kUnsupported) return "unsupported";
  if (c.status == CaseStatus::kError) return "error";
  if (c.outcome == Outcome::kCrashed) return "crashed";
  if (c.outcome == Outcome::kHung) return "hung";
  if (c.status == CaseStatus::kInconclusive) return "inconclusive";
  const std::string word = c.status == CaseStatus::kFail ? "FAIL" : "pass";
  Rate r = ComputeRates(c.check).iteration_deviation;
  Anomaly worst;  // a failure no iteration shows (loads, erases, not_snapshot) is named, as in the terminal
  if (c.status == CaseStatus::kFail && r.count == 0 && WorstAnomaly(c, &worst)) return word + " " + AnomalyName(worst);
  if (c.check.iterations == 0) return word;  // no iterations to give a share of
  return word + " " + (r.count == 0 ? "0%" : FormatPercent(r.value));
}

bool Detailed(const CaseReport& c) {
  return c.status == CaseStatus::kFail || c.status == CaseStatus::kError ||
         (c.status == CaseStatus::kPass && c.WorstObservedGrade() == Grade::kInteresting);
}

struct Grid {
  std::vector<std::string> scenarios, backends;
  std::map<std::pair<std::string, std::string>, size_t> cell;  // -> case index (the last wins)
};

Grid MakeGrid(const std::vector<CaseReport>& cases) {
  Grid g;
  for (size_t i = 0; i < cases.size(); ++i) {
    const CaseReport& c = cases[i];
    if (std::find(g.scenarios.begin(), g.scenarios.end(), c.scenario) == g.scenarios.end())
      g.scenarios.push_back(c.scenario);
    if (std::find(g.backends.begin(), g.backends.end(), c.backend) == g.backends.end()) g.backends.push_back(c.backend);
    g.cell[{c.scenario, c.backend}] = i;
  }
  return g;
}

template <class CellFn>
std::string GridTable(const std::vector<CaseReport>& cases, const Grid& g, const char* cls, CellFn cell) {
  // A wide matrix scrolls inside its box, not the page.
  std::string out = fmt::format("<div class=\"scroll\"><table class=\"heat {}\"><tr><th>scenario</th>", cls);
  for (const std::string& b : g.backends) out += "<th>" + H(b) + "</th>";
  out += "</tr>\n";
  for (const std::string& s : g.scenarios) {
    out += "<tr><th>" + H(s) + "</th>";
    for (const std::string& b : g.backends) {
      auto it = g.cell.find({s, b});
      out += it == g.cell.end() ? "<td class=\"cell\">–</td>" : cell(cases[it->second], it->second);
    }
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
}

std::string VerdictMatrix(const std::vector<CaseReport>& cases, const Grid& g) {
  std::string out = GridTable(cases, g, "verdicts", [&](const CaseReport& c, size_t i) {
    std::string fg;
    std::string bg = VerdictColor(c, &fg);
    std::string body = H(VerdictText(c));
    if (Detailed(c)) body = fmt::format("<a href=\"#case-{}\">{}</a>", i + 1, body);
    return fmt::format("<td class=\"cell\" style=\"background:{}{}\" title=\"{} × {}: {}\">{}</td>", bg,
                       fg == "#123" ? "" : ";color:" + fg, H(c.scenario), H(c.backend), CaseStatusName(c.status), body);
  });
  out +=
      "<div class=\"legend\"><span><span class=\"sw\" style=\"background:hsl(130,45%,88%)\"></span>pass, "
      "snapshot</span><span><span class=\"sw\" style=\"background:hsl(130,45%,70%)\"></span>pass with acceptable "
      "deviation</span><span><span class=\"sw\" style=\"background:hsl(0,70%,58%)\"></span>fail (darker: more "
      "anomalous iterations)</span><span><span class=\"sw\" style=\"background:#5d0f0f\"></span>crashed or "
      "hung</span><span><span class=\"sw\" style=\"background:#e6a700\"></span>inconclusive</span><span><span "
      "class=\"sw\" style=\"background:#6d4c41\"></span>error</span><span><span class=\"sw\" "
      "style=\"background:#d6d6d6\"></span>unsupported</span><span>the percentage: iterations with a key-level "
      "anomaly</span></div>\n";
  return out;
}

std::string SnapshotMatrix(const std::vector<CaseReport>& cases, const Grid& g) {
  std::string out = GridTable(cases, g, "snapshot", [&](const CaseReport& c, size_t) {
    if (c.check.iterations == 0) return std::string("<td class=\"cell\" style=\"color:#999\">–</td>");
    double d = ComputeRates(c.check).snapshot_deviation.value;
    int l = static_cast<int>(97 - 55 * std::clamp(d, 0.0, 1.0));
    return fmt::format("<td class=\"cell\" style=\"background:hsl(215,70%,{}%){}\">{}</td>", l,
                       l < 62 ? ";color:#fff" : "", FormatPercent(d));
  });
  out +=
      "<div class=\"legend\"><span><span class=\"sw\" style=\"background:hsl(215,70%,97%)\"></span>0%: every "
      "iteration matched one instant</span><span><span class=\"sw\" style=\"background:hsl(215,70%,70%)\"></span>"
      "50%</span><span><span class=\"sw\" style=\"background:hsl(215,70%,42%)\"></span>100%</span></div>\n";
  return out;
}

// The load-level scenarios (names holding "light", "medium", "heavy") as grouped bars per backend.
std::string LoadChart(const std::vector<CaseReport>& cases) {
  const std::array<const char*, 3> levels = {"light", "medium", "heavy"};
  std::vector<std::string> backends;
  std::map<std::string, std::array<const CaseReport*, 3>> at;
  for (const CaseReport& c : cases) {
    for (size_t l = 0; l < levels.size(); ++l) {
      if (c.scenario.find(levels[l]) == std::string::npos || c.check.iterations == 0) continue;
      if (at.find(c.backend) == at.end()) {
        backends.push_back(c.backend);
        at[c.backend] = {};
      }
      at[c.backend][l] = &c;
    }
  }
  if (backends.empty()) {
    return "<p class=\"note\">No load-level scenarios (names with light, medium, heavy) in this run.</p>\n";
  }
  const double bar = 16, group = bar * 6 + 30, left = 50, top = 20, plot_h = 180;
  const double width = left + group * static_cast<double>(backends.size()) + 20;
  std::string svg = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" xmlns=\"http://www.w3.org/2000/svg\" "
      "font-family=\"sans-serif\" font-size=\"11\" role=\"img\"><title>snapshot and iteration deviation per load "
      "level</title>\n",
      width, top + plot_h + 50);
  for (int pct = 0; pct <= 100; pct += 25) {
    double y = top + plot_h * (1 - pct / 100.0);
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#e4e4e4\"/><text x=\"{}\" y=\"{:.1f}\" "
        "text-anchor=\"end\" fill=\"#666\">{}%</text>\n",
        left, y, width - 10, y, left - 6, y + 4, pct);
  }
  const std::array<const char*, 3> shades = {"#9ecae1", "#4292c6", "#08519c"};
  for (size_t b = 0; b < backends.size(); ++b) {
    double gx = left + 10 + group * static_cast<double>(b);
    for (size_t l = 0; l < levels.size(); ++l) {
      const CaseReport* c = at[backends[b]][l];
      if (c == nullptr) continue;
      Rates r = ComputeRates(c->check);
      for (int which = 0; which < 2; ++which) {
        double v = which == 0 ? r.snapshot_deviation.value : r.iteration_deviation.value;
        double h = plot_h * std::clamp(v, 0.0, 1.0);
        double x = gx + bar * static_cast<double>(2 * l + which);
        svg += fmt::format(
            "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\" fill=\"{}\"{}><title>{} × {}: {} "
            "deviation {}</title></rect>\n",
            x, top + plot_h - h, bar - 2, std::max(h, 0.5), which == 0 ? shades[l] : "#c62828",
            which == 0 ? "" : " fill-opacity=\"0.8\"", H(c->scenario), H(backends[b]),
            which == 0 ? "snapshot" : "iteration", FormatPercent(v));
      }
      svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n",
                         gx + bar * static_cast<double>(2 * l + 1), top + plot_h + 14, levels[l][0]);
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n", gx + bar * 3,
                       top + plot_h + 32, H(backends[b]));
  }
  svg += "</svg>\n";
  svg +=
      "<div class=\"legend\"><span><span class=\"sw\" style=\"background:#9ecae1\"></span><span class=\"sw\" "
      "style=\"background:#4292c6\"></span><span class=\"sw\" style=\"background:#08519c\"></span>snapshot "
      "deviation at l(ight), m(edium), h(eavy) load</span><span><span class=\"sw\" "
      "style=\"background:#c62828\"></span>iteration deviation (key-level anomalies)</span></div>\n";
  return svg;
}

std::string LatencyTable(const std::vector<CaseReport>& cases) {
  struct Sum {
    uint64_t count = 0;
    double seconds = 0;
    uint64_t p50 = 0, p99 = 0, p999 = 0, max = 0;
    int cases = 0;
  };
  std::vector<std::string> backends;
  std::map<std::string, std::array<Sum, kOpKindCount>> by;
  for (const CaseReport& c : cases) {
    for (int k = 0; k < kOpKindCount; ++k) {
      const OpStats& s = c.ops[k];
      if (s.count == 0 || !(s.per_sec > 0)) continue;
      if (by.find(c.backend) == by.end()) backends.push_back(c.backend);
      Sum& sum = by[c.backend][k];
      sum.count += s.count;
      sum.seconds += static_cast<double>(s.count) / s.per_sec;
      sum.p50 = std::max(sum.p50, s.p50_ns);
      sum.p99 = std::max(sum.p99, s.p99_ns);
      sum.p999 = std::max(sum.p999, s.p999_ns);
      sum.max = std::max(sum.max, s.max_ns);
      ++sum.cases;
    }
  }
  if (backends.empty()) return "<p class=\"note\">No timed operations.</p>\n";
  std::string out =
      "<table class=\"latency\"><tr><th>backend</th><th>op</th><th>ops</th><th>ops/s</th><th>p50</th><th>p99</th>"
      "<th>p99.9</th><th>max</th></tr>\n";
  for (const std::string& b : backends) {
    for (int k = 0; k < kOpKindCount; ++k) {
      const Sum& s = by[b][k];
      if (s.count == 0) continue;
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
          H(b), OpKindName(static_cast<OpKind>(k)), s.count, FormatCount(static_cast<double>(s.count) / s.seconds),
          FormatNanos(static_cast<double>(s.p50)), FormatNanos(static_cast<double>(s.p99)),
          FormatNanos(static_cast<double>(s.p999)), FormatNanos(static_cast<double>(s.max)));
    }
  }
  out +=
      "</table>\n<p class=\"note\">Over several scenarios: ops/s = total ops / total time; percentiles are the "
      "highest of the cases.</p>\n";
  return out;
}

std::string Settings(const RunContext& c) {
  std::string out = "<table class=\"settings\">\n";
  auto row = [&](const char* name, const std::string& value) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", name, H(value));
  };
  std::string facts;
  for (const std::string& f : SettingsFacts(c)) facts += (facts.empty() ? "" : " · ") + f;
  row("settings", facts);
  row("command line", c.command_line);
  row("host", fmt::format("{} ({} CPUs)", c.host, c.cpus));
  row("build", c.compiler + ", " + c.build_type);
  row("started", c.start_time);
  if (!c.clock.note.empty()) row("clock note", c.clock.note);
  return out + "</table>\n";
}

// Where an example happened, in a line: "iteration #8 by iterator-1, trial 1"
// (the explanation when the example has no structured proof).
std::string ExampleWhere(const Example& e) {
  if (e.ops.empty()) return e.explanation;
  std::string what = e.ops[0].op == OpKind::kIterate ? fmt::format("iteration #{}", e.iteration) : "load";
  return fmt::format("{} by {}, trial {}", what, e.ops[0].thread, e.trial);
}

// One failing or interesting case; `full`: every example with its timeline and witnesses, else the
// first one so and the others as a line each (their witnesses are in the JSON report).
std::string CaseSection(const CaseReport& c, size_t index, bool full) {
  std::string out = fmt::format("<section class=\"case\" id=\"case-{}\"><h3>{} × {} {}</h3>\n", index + 1,
                                H(c.scenario), H(c.backend), StatusBadge(c.status));
  out +=
      fmt::format("<p>guarantee <b>{}</b> · {} iterations · {} loads · trials {}/{} · seed {}{}{}</p>\n",
                  GuaranteeName(c.guarantee), c.check.iterations, c.check.loads, c.trials_completed, c.trials, c.seed,
                  c.truncated ? " · history truncated" : "", c.scenario_path.empty() ? "" : " · " + H(c.scenario_path));
  const bool meaning = full || c.outcome != Outcome::kCompleted;  // a crash's row gives its signal there
  out += "<table class=\"anomalies\"><tr><th>anomaly</th><th>count</th><th>rate</th><th>expect</th>";
  out += meaning ? "<th>meaning</th></tr>\n" : "</tr>\n";
  bool any = false;
  for (int i = 0; i < kAnomalyCount; ++i) {
    Anomaly a = static_cast<Anomaly>(i);
    if (c.check.Count(a) == 0) continue;
    any = true;
    Grade g = c.grading.Of(a);
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"g-{}\">{}</td>{}</tr>\n", AnomalyName(a),
                       c.check.Count(a), FormatPercent(AnomalyRate(c, a)), GradeName(g), GradeName(g),
                       full      ? "<td>" + H(AnomalyDescription(a)) + "</td>"
                       : meaning ? "<td></td>"
                                 : "");
  }
  if (c.outcome != Outcome::kCompleted) {
    any = true;
    Grade g = c.outcome == Outcome::kCrashed ? c.grading.crashed : c.grading.hung;
    out += fmt::format("<tr><td>{}</td><td>–</td><td>–</td><td class=\"g-{}\">{}</td><td>{}</td></tr>\n",
                       OutcomeName(c.outcome), GradeName(g), GradeName(g), H(c.signal));
  }
  out += "</table>\n";
  if (!any) out += "<p class=\"note\">No anomalies observed.</p>\n";
  std::string spread;
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (c.check.tallies[i].occasions == 0) continue;
    spread += "<li>" + H(SpreadLine(c, static_cast<Anomaly>(i))) + "</li>";
  }
  if (!spread.empty()) out += "<ul class=\"spread\">" + spread + "</ul>\n";
  size_t n = 0;
  std::string more;
  for (const Example* e : ExamplesWorstFirst(c)) {
    ++n;
    std::string title = fmt::format("{}. {}{}", n, AnomalyName(e->kind),
                                    e->kind == Anomaly::kNotSnapshot && e->ops.empty() && e->key == 0
                                        ? std::string()
                                        : fmt::format(", key {}", e->key));
    if (!full && n > 1) {
      more += "<li>" + title.substr(title.find(' ') + 1) + ": " + H(ExampleWhere(*e)) + "</li>";
      continue;
    }
    out += fmt::format("<div class=\"example\" id=\"case-{}-ex-{}\"><b>{}</b>\n", index + 1, n, title);
    out += "<p class=\"why\">" + H(e->explanation) + "</p>\n";
    std::string svg = RenderSvgTimeline(*e);
    if (full || svg.empty()) {  // the timeline's ops carry the same lines in their <title>s
      out += "<ul>";
      for (const std::string& w : e->witnesses) out += "<li>" + H(w) + "</li>";
      out += "</ul>\n";
    }
    out += svg;
    if (!e->ops.empty()) out += "<div class=\"details\"></div>";
    out += "</div>\n";
  }
  if (!more.empty()) out += "<ol class=\"more\" start=\"2\">" + more + "</ol>\n";
  if (!c.message.empty()) out += "<p><b>message:</b> <code>" + H(c.message) + "</code></p>\n";
  return out + "</section>\n";
}

}  // namespace

std::string RenderHtmlReport(const ReportInput& input) {
  const std::vector<CaseReport>& cases = input.cases;
  std::array<size_t, 5> counts{};
  for (const CaseReport& c : cases) ++counts[static_cast<int>(c.status)];
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'; img-src data:\">";
  out += "<title>mapstress report</title><style>" + std::string(kStyle) + kSvgTimelineStyle + "</style></head><body>\n";
  out += fmt::format(
      "<header><h1>mapstress report</h1><div class=\"sub summary\"><span>{} cases</span><span>{} pass</span>"
      "<span>{} fail</span><span>{} inconclusive</span><span>{} error</span><span>{} unsupported</span>"
      "<span>exit code {}</span></div></header>\n<main>\n",
      cases.size(), counts[0], counts[1], counts[2], counts[3], counts[4], ExitCodeFor(cases, input.interrupted));
  out += kSvgTimelineDefs;  // one hatch pattern, shared by every timeline's "present or absent" spans
  if (input.interrupted) {
    out += "<div class=\"banner\">The run was interrupted: this page holds the cases that finished.</div>\n";
  }
  Grid grid = MakeGrid(cases);
  out += "<h2 id=\"verdicts\">Verdicts</h2>\n" + VerdictMatrix(cases, grid);
  out +=
      "<h2 id=\"snapshot\">Snapshot deviation</h2><p class=\"note\">Share of iterations that match no single "
      "instant of the map.</p>\n" +
      SnapshotMatrix(cases, grid);
  out += "<h2 id=\"load\">Load levels</h2>\n<div class=\"scroll\">" + LoadChart(cases) + "</div>\n";
  out += "<h2 id=\"latency\">Latency per backend and operation</h2>\n" + LatencyTable(cases);
  out += "<h2 id=\"settings\">Settings and context</h2>\n" + Settings(input.context);
  std::string details;
  size_t shown = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (Detailed(cases[i])) details += CaseSection(cases[i], i, shown++ < kFullCases);
  }
  out += "<h2 id=\"cases\">Failing and interesting cases</h2>\n";
  out += details.empty()
             ? "<p class=\"note\">None: every case passed without interesting anomalies.</p>\n"
             : kTimelineLegend + (shown > kFullCases ? fmt::format(kCompactNote, kFullCases) : std::string()) + details;
  out += "</main><script>" + std::string(kScript) + "</script></body></html>\n";
  return out;
}

}  // namespace mapstress
