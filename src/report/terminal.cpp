#include "report/terminal.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>

#include "core/case_report_json.h"
#include "core/text_width.h"
#include "report/anomaly_share.h"
#include "report/case_facts.h"
#include "report/number_format.h"
#include "report/timeline.h"

namespace mapstress {
namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kBoldRed = "\x1b[1;31m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kDim = "\x1b[2m";

std::string Paint(std::string_view text, const char* code, bool color) {
  if (!color || code == nullptr || text.empty()) return std::string(text);
  return std::string(code) + std::string(text) + kReset;
}

// `text` painted, then padded with spaces to `width` columns (padding stays unpainted).
std::string PadPainted(std::string_view text, size_t width, const char* code, bool color) {
  size_t w = DisplayWidth(text);
  return Paint(text, code, color) + std::string(width > w ? width - w : 0, ' ');
}

std::string PadRight(std::string_view text, size_t width) { return PadPainted(text, width, nullptr, false); }

std::string PadLeft(std::string_view text, size_t width) {
  size_t w = DisplayWidth(text);
  return std::string(width > w ? width - w : 0, ' ') + std::string(text);
}

const char* StatusStyle(CaseStatus status) {
  switch (status) {
    case CaseStatus::kPass: return kGreen;
    case CaseStatus::kFail: return kBoldRed;
    case CaseStatus::kInconclusive: return kYellow;
    case CaseStatus::kError: return kRed;
    case CaseStatus::kUnsupported: return kDim;
  }
  return nullptr;
}

const char* GradeStyle(Grade grade) {
  switch (grade) {
    case Grade::kAcceptable: return kGreen;
    case Grade::kInteresting: return kYellow;
    case Grade::kForbidden: return kRed;
  }
  return nullptr;
}

// Text from outside (names, a child's output) made safe to print: valid UTF-8, and control
// characters but line breaks shown as "\x01" instead of acting on the terminal.
std::string Clean(std::string_view raw, bool keep_newlines = false) {
  std::string text = ValidUtf8(raw);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\t' || (c == '\n' && !keep_newlines)) {
      out += ' ';
    } else if ((u < 0x20 && c != '\n') || u == 0x7F) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string FirstLine(std::string_view text) {
  size_t nl = text.find('\n');
  return std::string(text.substr(0, nl));
}

// "scenario × backend" in at most `width` columns, cutting the scenario before the backend; neither
// name is ever dropped.
std::string CaseLabel(const std::string& scenario, const std::string& backend, size_t width) {
  std::string tail = " × " + backend;
  std::string full = scenario + tail;
  if (DisplayWidth(full) <= width) return full;
  size_t tail_w = DisplayWidth(tail);
  if (tail_w + 8 <= width) return TruncateToWidth(scenario, width - tail_w) + tail;
  // A backend name too long even for that: both shortened, the scenario to 8 columns.
  return TruncateToWidth(scenario, 8) + TruncateToWidth(tail, width > 12 ? width - 8 : 4);
}

// The matrix cell of one case, plain.
std::string MatrixCell(const CaseReport& r) {
  switch (r.status) {
    case CaseStatus::kUnsupported: return "unsup";
    case CaseStatus::kError: return "error";
    default: break;
  }
  if (r.outcome == Outcome::kCrashed) return "crash";
  if (r.outcome == Outcome::kHung) return OutcomeName(r.outcome);
  if (r.status == CaseStatus::kInconclusive) return "incon.";
  Anomaly worst;
  if (r.status == CaseStatus::kFail && WorstAnomaly(r, &worst)) return std::string("FAIL ") + AnomalyName(worst);
  Rate rate = ComputeRates(r.check).iteration_deviation;
  std::string pct = rate.count == 0 ? "0%" : FormatPercent(rate.value);
  return (r.status == CaseStatus::kFail ? "FAIL " : "pass ") + pct;
}

// Scenario and backend names in first-seen order, and the case of each pair (the last one wins).
struct Grid {
  std::vector<std::string> scenarios;
  std::vector<std::string> backends;
  std::vector<std::string> scenario_names;  // printable
  std::vector<std::string> backend_names;
  std::map<std::pair<std::string, std::string>, const CaseReport*> cells;
};

Grid MakeGrid(const std::vector<CaseReport>& cases) {
  Grid grid;
  for (const CaseReport& c : cases) {
    if (std::find(grid.scenarios.begin(), grid.scenarios.end(), c.scenario) == grid.scenarios.end()) {
      grid.scenarios.push_back(c.scenario);
      grid.scenario_names.push_back(Clean(c.scenario));
    }
    if (std::find(grid.backends.begin(), grid.backends.end(), c.backend) == grid.backends.end()) {
      grid.backends.push_back(c.backend);
      grid.backend_names.push_back(Clean(c.backend));
    }
    grid.cells[{c.scenario, c.backend}] = &c;
  }
  return grid;
}

}  // namespace

size_t TerminalWidth(FILE* stream) {
  const char* columns = std::getenv("COLUMNS");
  if (columns != nullptr && columns[0] != '\0') {
    char* end = nullptr;
    long n = std::strtol(columns, &end, 10);
    if (*end == '\0' && n >= 40) return static_cast<size_t>(std::min(n, 1000L));
  }
  struct winsize ws {};
  if (stream != nullptr && isatty(fileno(stream)) && ioctl(fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) {
    return ws.ws_col;
  }
  return kTerminalWidth;
}

bool UseColor(FILE* stream) {
  if (stream == nullptr || !isatty(fileno(stream))) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

std::string RenderSettings(const RunContext& c, const std::vector<std::string>& warnings, bool color, size_t width) {
  std::vector<std::string> tokens = SettingsFacts(c);
  std::string out, line;
  for (const std::string& raw : tokens) {
    std::string token = TruncateToWidth(raw, width);
    if (!line.empty() && DisplayWidth(line) + 2 + DisplayWidth(token) > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : "  ") + token;
  }
  out += line + "\n";
  if (!c.clock.trusted && color) {
    // Only the flag is painted; the text is the same with and without colour.
    size_t at = out.find("NOT TRUSTED");
    if (at != std::string::npos) out.replace(at, 11, Paint("NOT TRUSTED", kYellow, true));
  }
  if (!c.clock.note.empty()) out += WrapText("clock note: " + Clean(c.clock.note), width, "", "  ");
  for (const std::string& w : warnings) {
    std::string text = WrapText(Clean(w), width, "warning: ", "         ");
    if (color) text.replace(0, 8, Paint("warning:", kYellow, true));
    out += text;
  }
  return out;
}

std::string RenderCaseLine(const CaseReport& r, size_t index, size_t total, bool color, size_t width) {
  std::string prefix = fmt::format("[{}/{}] ", index, total);
  std::string verdict = VerdictWord(r.status);
  std::string guarantee = GuaranteeName(r.guarantee);  // on every line, so lines compare
  std::string detail;
  std::string grade_text;  // painted, at the end
  Grade grade = Grade::kAcceptable;
  Anomaly worst;
  if (r.status == CaseStatus::kUnsupported || r.status == CaseStatus::kError) {
    detail = Clean(FirstLine(r.message));
  } else if (r.outcome == Outcome::kCrashed) {
    grade = r.grading.crashed;
    detail = OutcomeName(r.outcome) + (r.signal.empty() ? std::string() : " " + Clean(r.signal));
    grade_text = "(" + GradeWord(grade) + ")";
  } else if (r.outcome == Outcome::kHung) {
    grade = r.grading.hung;
    detail = OutcomeName(r.outcome);
    grade_text = "(" + GradeWord(grade) + ")";
  } else if (r.status == CaseStatus::kInconclusive && !r.message.empty()) {
    detail = Clean(FirstLine(r.message));
  } else if (WorstAnomaly(r, &worst)) {
    grade = r.grading.Of(worst);
    detail = CountAndShareText(ShareOf(r.check, worst));
    grade_text = "(" + GradeWord(grade) + ")";
  } else if (r.check.iterations > 0 || r.check.loads == 0) {
    detail = "no anomalies in " + CountOf(r.check.iterations, "iteration");
  } else {
    detail = "no anomalies in " + CountOf(r.check.loads, "load");
  }
  bool counted = r.status != CaseStatus::kUnsupported && r.status != CaseStatus::kError &&
                 r.outcome != Outcome::kCrashed && r.outcome != Outcome::kHung &&
                 !(r.status == CaseStatus::kInconclusive && !r.message.empty());
  if (r.truncated && counted) detail += ", history truncated";
  std::string tail = grade_text.empty() ? detail : detail + " " + grade_text;
  // One line when it fits; else the detail goes on indented lines below, so that nothing is cut.
  // The scenario name is shortened only when the head alone does not fit; the backend never is.
  std::string head_tail = "  " + verdict + "  " + guarantee;
  size_t fixed = DisplayWidth(prefix) + DisplayWidth(head_tail);
  std::string label = Clean(r.scenario) + " × " + Clean(r.backend);
  std::string text;
  if (fixed + DisplayWidth(label) + 2 + DisplayWidth(tail) <= width) {
    text = prefix + label + head_tail + "  " + tail + "\n";
  } else {
    label = CaseLabel(Clean(r.scenario), Clean(r.backend), width > fixed ? width - fixed : 0);
    std::string indent(std::min<size_t>(DisplayWidth(prefix), 8), ' ');
    text = prefix + label + head_tail + "\n" + WrapText(tail, width, indent, indent);
  }
  // Paint the verdict and the grade (the text is the same with and without colour).
  if (color) {
    size_t at = text.find(head_tail);
    text.replace(at + 2, verdict.size(), Paint(verdict, StatusStyle(r.status), true));
    if (!grade_text.empty()) {
      size_t g = text.rfind(grade_text);
      if (g != std::string::npos) text.replace(g, grade_text.size(), Paint(grade_text, GradeStyle(grade), true));
    }
  }
  return text;
}

std::string RenderFailureTable(const CaseReport& r, bool color, size_t width) {
  std::string verdict = VerdictWord(r.status);
  std::string out =
      TruncateToWidth(Clean(r.scenario) + " × " + Clean(r.backend) + ": ", width - DisplayWidth(verdict)) +
      Paint(verdict, StatusStyle(r.status), color) + "\n";
  out += WrapText(fmt::format("guarantee {}, {}, {}, trials {}/{}, seed {}{}", GuaranteeName(r.guarantee),
                              CountOf(r.check.iterations, "iteration"), CountOf(r.check.loads, "load"),
                              r.trials_completed, r.trials, r.seed, r.truncated ? ", history truncated" : ""),
                  width, "  ", "  ");
  // One row per kind: name, occurrences, grade, then where it was seen; the description below.
  constexpr size_t kNameW = 13, kCountW = 9, kGradeW = 11;
  auto row = [&](const std::string& name, const std::string& count, Grade grade, const std::string& seen,
                 const std::string& description) {
    std::string head = PadRight(name, kNameW) + " " + PadLeft(count, kCountW) + "  " +
                       PadPainted(GradeName(grade), kGradeW, GradeStyle(grade), color) + "  ";
    std::string line = head + TruncateToWidth(seen, width - DisplayWidth(head));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    out += WrapText(description, width, "  ", "  ");
  };
  out +=
      PadRight("ANOMALY", kNameW) + " " + PadLeft("COUNT", kCountW) + "  " + PadRight("EXPECT", kGradeW) + "  SEEN\n";
  bool any = false;
  for (int i = 0; i < kAnomalyCount; ++i) {
    Anomaly a = static_cast<Anomaly>(i);
    if (r.check.Count(a) == 0) continue;
    any = true;
    row(AnomalyName(a), FormatThousands(r.check.Count(a)), r.grading.Of(a), ShareText(ShareOf(r.check, a)),
        AnomalyDescription(a));
  }
  if (r.outcome == Outcome::kCrashed) {
    any = true;
    row(GradedKindName(GradedKind::kCrashed), "-", r.grading.crashed, "",
        "the case's process died" + (r.signal.empty() ? std::string() : " of " + Clean(r.signal)));
  }
  if (r.outcome == Outcome::kHung) {
    any = true;
    row(GradedKindName(GradedKind::kHung), "-", r.grading.hung, "",
        "the case did not finish within its time budget and was killed");
  }
  if (!any) out += "(no anomalies observed)\n";
  std::vector<const Example*> examples = ExamplesWorstFirst(r);
  if (!examples.empty()) {
    out += "first explanations:\n";
    for (size_t i = 0; i < examples.size() && i < 3; ++i) {
      const Example& e = *examples[i];
      std::string key = e.kind == Anomaly::kNotSnapshot && e.key == 0 ? "" : fmt::format(", key {}", e.key);
      out += WrapText(fmt::format("{}. {}{}: {}", i + 1, AnomalyName(e.kind), key, Clean(e.explanation)), width, "  ",
                      "     ");
      for (const std::string& w : e.witnesses) out += WrapText(Clean(w), width, "     - ", "       ");
    }
  }
  out += RenderFailureEvidence(r, TimelineStyle{width, LocaleIsUtf8(), color});
  if (!r.message.empty()) out += WrapText("message: " + Clean(r.message, true), width, "", "  ");
  return out;
}

std::string RenderTotals(const std::vector<CaseReport>& cases) {
  size_t counts[5] = {};
  for (const CaseReport& c : cases) ++counts[static_cast<int>(c.status)];
  std::string out = fmt::format("{} case{}", cases.size(), cases.size() == 1 ? "" : "s");
  bool first = true;
  for (CaseStatus s : {CaseStatus::kPass, CaseStatus::kFail, CaseStatus::kInconclusive, CaseStatus::kError,
                       CaseStatus::kUnsupported}) {
    size_t n = counts[static_cast<int>(s)];
    if (n == 0) continue;
    out += fmt::format("{} {} {}", first ? ":" : ",", n, CaseStatusName(s));
    first = false;
  }
  return out + "\n";
}

namespace {

// Scenarios down, backends across, `cell` in each; column blocks that fit in 80 columns.
std::string RenderGrid(const std::vector<CaseReport>& cases, const std::function<std::string(const CaseReport&)>& cell,
                       bool color, size_t width) {
  Grid grid = MakeGrid(cases);
  size_t scenario_w = DisplayWidth("SCENARIO");
  for (const std::string& s : grid.scenario_names) scenario_w = std::max(scenario_w, DisplayWidth(s));
  // Backend names are shown whole (up to all but 14 columns); the scenario column takes what
  // the widest backend column leaves, at least 12, so scenario names are shortened first.
  size_t backend_cap = width > 26 ? width - 14 : 12;
  std::vector<size_t> widths;
  size_t widest = 0;
  for (size_t i = 0; i < grid.backends.size(); ++i) {
    const std::string& b = grid.backends[i];
    size_t w = std::min<size_t>(DisplayWidth(grid.backend_names[i]), backend_cap);
    for (const std::string& s : grid.scenarios) {
      auto it = grid.cells.find({s, b});
      if (it != grid.cells.end()) w = std::max(w, DisplayWidth(cell(*it->second)));
    }
    widths.push_back(w);
    widest = std::max(widest, w);
  }
  scenario_w = std::min(scenario_w, std::max<size_t>(12, width > widest + 2 ? width - widest - 2 : 0));
  std::string out;
  size_t next = 0;
  while (next < grid.backends.size()) {
    // One block: as many backend columns as fit beside the scenario column (at least one).
    size_t end = next, used = scenario_w;
    while (end < grid.backends.size() && (end == next || used + 2 + widths[end] <= width)) {
      used += 2 + widths[end];
      ++end;
    }
    if (!out.empty()) out += "\n";
    std::string header = PadRight("SCENARIO", scenario_w);
    for (size_t b = next; b < end; ++b)
      header += "  " + PadRight(TruncateToWidth(grid.backend_names[b], widths[b]), widths[b]);
    while (!header.empty() && header.back() == ' ') header.pop_back();
    out += Paint(header, kBold, color) + "\n";
    for (size_t si = 0; si < grid.scenarios.size(); ++si) {
      const std::string& s = grid.scenarios[si];
      std::string line = PadRight(TruncateToWidth(grid.scenario_names[si], scenario_w), scenario_w);
      for (size_t b = next; b < end; ++b) {
        auto it = grid.cells.find({s, grid.backends[b]});
        if (it == grid.cells.end()) {
          line += "  " + PadRight("-", widths[b]);
        } else {
          line += "  " + PadPainted(cell(*it->second), widths[b], StatusStyle(it->second->status), color);
        }
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    next = end;
  }
  return out;
}

}  // namespace

const char* MatrixLegend() {
  return "N% of iterations had an anomaly (not_snapshot aside); FAIL kind: worst FORBIDDEN";
}

std::string RenderMatrix(const std::vector<CaseReport>& cases, bool color, size_t width) {
  std::string out = RenderGrid(cases, MatrixCell, color, width);
  if (!out.empty()) out += Paint(WrapText(MatrixLegend(), width, "", "  "), kDim, color) + "\n";
  return out + RenderTotals(cases);
}

std::string RenderSnapshotMatrix(const std::vector<CaseReport>& cases, bool color, size_t width) {
  auto cell = [](const CaseReport& c) -> std::string {
    if (c.check.iterations == 0)
      return c.outcome == Outcome::kCrashed ? "crash" : c.outcome == Outcome::kHung ? "hung" : "-";
    return FormatPercent(ComputeRates(c.check).snapshot_deviation.value);
  };
  std::string grid = RenderGrid(cases, cell, false, width);
  if (grid.empty()) return "";
  return Paint("SNAPSHOT DEVIATION", kBold, color) + "\n" + grid +
         Paint(WrapText("N%: share of iterations that match no single instant of the map; -: no iteration", width, "",
                        "  "),
               kDim, color);
}

std::string RenderPerformance(const std::vector<CaseReport>& cases, bool color) {
  struct Summary {
    uint64_t count = 0;
    double seconds = 0;  // sum over cases of count / per_sec
    uint64_t p50 = 0, p99 = 0;
    int cases = 0;
  };
  std::vector<std::string> backends;
  std::map<std::string, std::array<Summary, kOpKindCount>> by_backend;
  bool merged_percentiles = false;
  for (const CaseReport& c : cases) {
    if (c.status == CaseStatus::kError || c.status == CaseStatus::kUnsupported) continue;
    for (int k = 0; k < kOpKindCount; ++k) {
      const OpStats& s = c.ops[k];
      if (s.count == 0 || !(s.per_sec > 0)) continue;
      if (by_backend.find(c.backend) == by_backend.end()) backends.push_back(c.backend);
      Summary& sum = by_backend[c.backend][k];
      sum.count += s.count;
      sum.seconds += static_cast<double>(s.count) / s.per_sec;
      sum.p50 = std::max(sum.p50, s.p50_ns);
      sum.p99 = std::max(sum.p99, s.p99_ns);
      merged_percentiles |= ++sum.cases > 1;
    }
  }
  if (backends.empty()) return "";
  size_t backend_w = DisplayWidth("BACKEND");
  for (const std::string& b : backends) backend_w = std::max(backend_w, DisplayWidth(Clean(b)));
  backend_w = std::min<size_t>(backend_w, 32);
  std::string out = Paint(PadRight("BACKEND", backend_w) + "  " + PadRight("OP", 8) + PadLeft("OPS/S", 9) +
                              PadLeft("P50", 10) + PadLeft("P99", 10),
                          kBold, color) +
                    "\n";
  for (const std::string& b : backends) {
    bool first = true;
    for (int k = 0; k < kOpKindCount; ++k) {
      const Summary& s = by_backend[b][k];
      if (s.count == 0) continue;
      out += PadRight(first ? TruncateToWidth(Clean(b), backend_w) : "", backend_w) + "  " +
             PadRight(OpKindName(static_cast<OpKind>(k)), 8) +
             PadLeft(FormatCount(static_cast<double>(s.count) / s.seconds), 9) +
             PadLeft(FormatNanos(static_cast<double>(s.p50)), 10) +
             PadLeft(FormatNanos(static_cast<double>(s.p99)), 10) + "\n";
      first = false;
    }
  }
  if (merged_percentiles) out += "(several scenarios: ops/s = total ops / total time; P50, P99 = the highest)\n";
  return out;
}

}  // namespace mapstress
