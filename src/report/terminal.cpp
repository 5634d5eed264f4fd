#include "report/terminal.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>

#include "core/case_report_json.h"
#include "core/text_width.h"
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

// "scenario × backend" in at most `width` columns, cutting the scenario before the backend.
std::string CaseLabel(const std::string& scenario, const std::string& backend, size_t width) {
  std::string tail = " × " + backend;
  std::string full = scenario + tail;
  if (DisplayWidth(full) <= width) return full;
  size_t tail_w = DisplayWidth(tail);
  if (tail_w + 8 <= width) return TruncateToWidth(scenario, width - tail_w) + tail;
  return TruncateToWidth(full, width);
}

std::string CountsText(const CaseReport& r) {
  if (r.check.iterations > 0 || r.check.loads == 0) return fmt::format("{} it", r.check.iterations);
  return fmt::format("{} loads", r.check.loads);
}

// The matrix cell of one case, plain.
std::string MatrixCell(const CaseReport& r) {
  switch (r.status) {
    case CaseStatus::kUnsupported: return "unsup";
    case CaseStatus::kError: return "error";
    default: break;
  }
  if (r.outcome == Outcome::kCrashed) return "crash";
  if (r.outcome == Outcome::kHung) return "hung";
  if (r.status == CaseStatus::kInconclusive) return "incon.";
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

bool UseColor(FILE* stream) {
  if (stream == nullptr || !isatty(fileno(stream))) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

std::string RenderSettings(const RunContext& c, const std::vector<std::string>& warnings, bool color) {
  std::vector<std::string> tokens = SettingsFacts(c);
  std::string out, line;
  for (const std::string& raw : tokens) {
    std::string token = TruncateToWidth(raw, kTerminalWidth);
    if (!line.empty() && DisplayWidth(line) + 2 + DisplayWidth(token) > kTerminalWidth) {
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
  if (!c.clock.note.empty()) out += WrapText("clock note: " + Clean(c.clock.note), kTerminalWidth, "", "  ");
  for (const std::string& w : warnings) {
    std::string text = WrapText(Clean(w), kTerminalWidth, "warning: ", "         ");
    if (color) text.replace(0, 8, Paint("warning:", kYellow, true));
    out += text;
  }
  return out;
}

std::string RenderCaseLine(const CaseReport& r, size_t index, size_t total, bool color) {
  std::string prefix = fmt::format("[{}/{}] ", index, total);
  std::string verdict = VerdictWord(r.status);
  std::string guarantee;  // dropped first when the line is too long
  std::string detail;
  std::string grade_text;  // painted, at the end
  Grade grade = Grade::kAcceptable;
  bool detail_is_reason = false;
  if (r.status == CaseStatus::kUnsupported || r.status == CaseStatus::kError) {
    detail = Clean(FirstLine(r.message));
    detail_is_reason = true;
  } else if (r.outcome == Outcome::kCrashed) {
    grade = r.grading.crashed;
    detail = "crashed" + (r.signal.empty() ? std::string() : " " + Clean(r.signal));
    grade_text = "(" + GradeWord(grade) + ")";
  } else if (r.outcome == Outcome::kHung) {
    grade = r.grading.hung;
    detail = "hung";
    grade_text = "(" + GradeWord(grade) + ")";
  } else {
    guarantee = std::string(GuaranteeName(r.guarantee)) + "  ";
    detail = CountsText(r) + "  ";
    Anomaly worst;
    if (r.status == CaseStatus::kInconclusive && !r.message.empty()) {
      detail += Clean(FirstLine(r.message));
      detail_is_reason = true;
    } else if (WorstAnomaly(r, &worst)) {
      grade = r.grading.Of(worst);
      detail += std::string(AnomalyName(worst)) + " " + FormatPercent(AnomalyRate(r, worst));
      grade_text = "(" + GradeWord(grade) + ")";
    } else {
      detail += "no anomalies";
    }
  }
  if (!grade_text.empty()) detail += " ";
  // Fit in kTerminalWidth: the guarantee word goes first, then a free-text reason gives way (down
  // to 20 columns), then the label (down to 24), then whatever detail is left.
  size_t fixed = DisplayWidth(prefix) + 2 + DisplayWidth(verdict) + 2;
  size_t detail_w = DisplayWidth(detail) + DisplayWidth(grade_text);
  std::string full_label = Clean(r.scenario) + " × " + Clean(r.backend);
  if (fixed + DisplayWidth(full_label) + DisplayWidth(guarantee) + detail_w > kTerminalWidth) guarantee.clear();
  detail = guarantee + detail;
  detail_w += DisplayWidth(guarantee);
  size_t keep_detail = detail_is_reason ? std::min<size_t>(detail_w, 20) : detail_w;
  size_t label_room = kTerminalWidth > fixed + keep_detail ? kTerminalWidth - fixed - keep_detail : 0;
  std::string label = CaseLabel(Clean(r.scenario), Clean(r.backend), std::max<size_t>(label_room, 24));
  size_t used = fixed + DisplayWidth(label);
  size_t detail_room = kTerminalWidth > used ? kTerminalWidth - used : 0;
  if (detail_w > detail_room) {
    detail = TruncateToWidth(detail + grade_text, detail_room);
    grade_text.clear();
  }
  std::string line = prefix + label + "  " + Paint(verdict, StatusStyle(r.status), color) + "  " + detail +
                     Paint(grade_text, GradeStyle(grade), color);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string RenderFailureTable(const CaseReport& r, bool color) {
  std::string verdict = VerdictWord(r.status);
  std::string out =
      TruncateToWidth(Clean(r.scenario) + " × " + Clean(r.backend) + ": ", kTerminalWidth - DisplayWidth(verdict)) +
      Paint(verdict, StatusStyle(r.status), color) + "\n";
  out += WrapText(fmt::format("guarantee {}, {} iterations, {} loads, trials {}/{}, seed {}{}",
                              GuaranteeName(r.guarantee), r.check.iterations, r.check.loads, r.trials_completed,
                              r.trials, r.seed, r.truncated ? ", history truncated" : ""),
                  kTerminalWidth, "  ", "  ");
  constexpr size_t kNameW = 13, kCountW = 9, kRateW = 7, kGradeW = 11;
  constexpr size_t kDescColumn = kNameW + 1 + kCountW + 1 + kRateW + 2 + kGradeW + 2;
  std::string indent(kDescColumn, ' ');
  auto row = [&](const std::string& name, const std::string& count, const std::string& rate, Grade grade,
                 const std::string& description) {
    std::string head = PadRight(name, kNameW) + " " + PadLeft(count, kCountW) + " " + PadLeft(rate, kRateW) + "  " +
                       PadPainted(GradeName(grade), kGradeW, GradeStyle(grade), color) + "  ";
    std::string wrapped = WrapText(description, kTerminalWidth, indent, indent);
    out += head + wrapped.substr(kDescColumn);
  };
  out += PadRight("ANOMALY", kNameW) + " " + PadLeft("COUNT", kCountW) + " " + PadLeft("RATE", kRateW) + "  " +
         PadRight("EXPECT", kGradeW) + "  DESCRIPTION\n";
  bool any = false;
  for (int i = 0; i < kAnomalyCount; ++i) {
    Anomaly a = static_cast<Anomaly>(i);
    if (r.check.Count(a) == 0) continue;
    any = true;
    row(AnomalyName(a), fmt::format("{}", r.check.Count(a)), FormatPercent(AnomalyRate(r, a)), r.grading.Of(a),
        AnomalyDescription(a));
  }
  if (r.outcome == Outcome::kCrashed) {
    any = true;
    row("crashed", "-", "-", r.grading.crashed,
        "the case's process died" + (r.signal.empty() ? std::string() : " of " + Clean(r.signal)));
  }
  if (r.outcome == Outcome::kHung) {
    any = true;
    row("hung", "-", "-", r.grading.hung, "the case did not finish within its time budget and was killed");
  }
  if (!any) out += "(no anomalies observed)\n";
  std::vector<const Example*> examples = ExamplesWorstFirst(r);
  if (!examples.empty()) {
    out += "first explanations:\n";
    for (size_t i = 0; i < examples.size() && i < 3; ++i) {
      const Example& e = *examples[i];
      std::string key = e.kind == Anomaly::kNotSnapshot && e.key == 0 ? "" : fmt::format(", key {}", e.key);
      out += WrapText(fmt::format("{}. {}{}: {}", i + 1, AnomalyName(e.kind), key, Clean(e.explanation)),
                      kTerminalWidth, "  ", "     ");
      for (const std::string& w : e.witnesses) out += WrapText(Clean(w), kTerminalWidth, "     - ", "       ");
    }
  }
  out += RenderFailureEvidence(r, TimelineStyle{kTerminalWidth, LocaleIsUtf8(), color});
  if (!r.message.empty()) out += WrapText("message: " + Clean(r.message, true), kTerminalWidth, "", "  ");
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
                       bool color) {
  Grid grid = MakeGrid(cases);
  size_t scenario_w = DisplayWidth("SCENARIO");
  for (const std::string& s : grid.scenario_names) scenario_w = std::max(scenario_w, DisplayWidth(s));
  scenario_w = std::min<size_t>(scenario_w, 32);
  std::vector<size_t> widths;
  for (size_t i = 0; i < grid.backends.size(); ++i) {
    const std::string& b = grid.backends[i];
    size_t w = std::min<size_t>(DisplayWidth(grid.backend_names[i]), 24);
    for (const std::string& s : grid.scenarios) {
      auto it = grid.cells.find({s, b});
      if (it != grid.cells.end()) w = std::max(w, DisplayWidth(cell(*it->second)));
    }
    widths.push_back(w);
  }
  std::string out;
  size_t next = 0;
  while (next < grid.backends.size()) {
    // One block: as many backend columns as fit beside the scenario column (at least one).
    size_t end = next, used = scenario_w;
    while (end < grid.backends.size() && (end == next || used + 2 + widths[end] <= kTerminalWidth)) {
      used += 2 + widths[end];
      ++end;
    }
    if (!out.empty()) out += "\n";
    std::string header = PadRight("SCENARIO", scenario_w);
    for (size_t b = next; b < end; ++b)
      header += "  " + PadRight(TruncateToWidth(grid.backend_names[b], 24), widths[b]);
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

std::string RenderMatrix(const std::vector<CaseReport>& cases, bool color) {
  std::string out = RenderGrid(cases, MatrixCell, color);
  if (!out.empty()) out += "\n";
  return out + RenderTotals(cases);
}

std::string RenderSnapshotMatrix(const std::vector<CaseReport>& cases, bool color) {
  auto cell = [](const CaseReport& c) -> std::string {
    if (c.check.iterations == 0)
      return c.outcome == Outcome::kCrashed ? "crash" : c.outcome == Outcome::kHung ? "hung" : "-";
    return FormatPercent(ComputeRates(c.check).snapshot_deviation.value);
  };
  std::string grid = RenderGrid(cases, cell, false);
  if (grid.empty()) return "";
  return Paint("SNAPSHOT DEVIATION (share of iterations that match no single instant)", kBold, color) + "\n" + grid;
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
