#include "report/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "core/text_width.h"
#include "report/case_facts.h"
#include "report/number_format.h"

namespace mapstress {
namespace {

constexpr size_t kLabelW = 13;  // row names, then a space

// One row of cells, each one character (a UTF-8 sequence in `text`).
struct Row {
  std::string name;
  std::vector<std::string> cells;
  std::vector<bool> used;
};

struct Glyphs {
  const char* line;     // an op's interval
  const char* open;     // its call
  const char* close;    // its return
  const char* point;    // an op that takes one column
  const char* mark;     // the window's ends, on every row
  const char* present;  // the key could only be present
  const char* either;   // present or absent
  const char* absent;   // could only be absent
  const char* axis;     // the axis line
  const char* tick;
};

constexpr Glyphs kUnicode = {"─", "├", "┤", "│", "┊", "█", "▒", "·", "─", "┬"};
constexpr Glyphs kAscii = {"-", "[", "]", "|", ":", "#", "~", ".", "-", "+"};

std::string OpLabel(const WitnessOp& op) {
  switch (op.op) {
    case OpKind::kStore: return fmt::format("store {}", op.value);
    case OpKind::kErase: return op.found ? "erase" : "erase (none)";
    case OpKind::kLoad: return op.found ? fmt::format("load→{}", op.value) : "load→absent";
    case OpKind::kIterate: return "iterate";
  }
  return "?";
}

std::string AsciiOnly(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "→") == 0) {
      out += "->";
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Splits UTF-8 text into one string per code point.
std::vector<std::string> Chars(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.emplace_back();
    out.back() += text[i];
  }
  return out;
}

}  // namespace

bool LocaleIsUtf8() {
  for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(var);
    if (v == nullptr || v[0] == '\0') continue;
    std::string s = v;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s.find("utf-8") != std::string::npos || s.find("utf8") != std::string::npos;
  }
  return false;
}

std::string RenderTimeline(const Example& ex, const TimelineStyle& style) {
  if (ex.ops.empty() || ex.view.hi < ex.view.lo) return "";
  const Glyphs& g = style.unicode ? kUnicode : kAscii;
  const size_t width = std::max<size_t>(style.width, 40);
  const size_t cols = width - kLabelW - 1;
  // A little room on both sides, so that the first call and the last return are not on the edge.
  const int64_t span = std::max<int64_t>(ex.view.hi - ex.view.lo, 1);
  const int64_t pad = std::max<int64_t>(span / 20, 1);
  const int64_t lo = ex.view.lo - pad;
  const double scale = static_cast<double>(cols - 1) / static_cast<double>(span + 2 * pad);
  // Column c holds the times [cell_time(c), cell_time(c + 1)).
  auto col = [&](int64_t t) -> size_t {
    if (t <= lo) return 0;
    return std::min(cols - 1, static_cast<size_t>(static_cast<double>(t - lo) * scale));
  };
  auto cell_time = [&](size_t c) { return lo + static_cast<int64_t>(std::ceil(static_cast<double>(c) / scale)); };
  const size_t win_lo = col(ex.window.lo), win_hi = col(ex.window.hi);

  auto blank_row = [&](std::string name) {
    Row r{std::move(name), std::vector<std::string>(cols, " "), std::vector<bool>(cols, false)};
    return r;
  };
  // Lanes: per thread, ops go into the first lane where their columns (and label) are free.
  std::vector<std::string> threads;
  std::map<std::string, std::vector<Row>> lanes;
  for (const WitnessOp& op : ex.ops) {
    if (op.initial) continue;
    if (lanes.find(op.thread) == lanes.end()) threads.push_back(op.thread);
    std::vector<Row>& rows = lanes[op.thread];
    size_t a = col(op.call), b = std::max(a, col(op.ret));
    std::string label = OpLabel(op);
    // A not_snapshot example's key may be visited or not (the explanation says which).
    if (op.role == WitnessRole::kSubject && op.op == OpKind::kIterate && ex.kind != Anomaly::kNotSnapshot) {
      label += ex.kind == Anomaly::kMissing ? fmt::format(" (did not visit key {})", ex.key)
                                            : fmt::format(" (visited key {})", ex.key);
    }
    if (!style.unicode) label = AsciiOnly(label);
    std::vector<std::string> label_chars = Chars(label);
    // The label goes inside the interval when it fits, else after it, else before it.
    bool inside = b - a + 1 >= label_chars.size() + 2;
    bool after = !inside && b + 1 + label_chars.size() <= cols - 1;
    bool before = !inside && !after && a >= label_chars.size() + 1;
    if (!inside && !after && !before) label_chars.clear();
    size_t begin = before ? a - label_chars.size() - 1 : a;
    size_t end = after ? b + 1 + label_chars.size() : b;
    Row* row = nullptr;
    for (Row& r : rows) {
      if (std::none_of(r.used.begin() + begin, r.used.begin() + end + 1, [](bool u) { return u; })) {
        row = &r;
        break;
      }
    }
    if (row == nullptr) {
      rows.push_back(blank_row(op.thread));
      row = &rows.back();
    }
    for (size_t c = begin; c <= end; ++c) row->used[c] = true;
    if (a == b) {
      row->cells[a] = g.point;
    } else {
      for (size_t c = a; c <= b; ++c) row->cells[c] = g.line;
      row->cells[a] = g.open;
      row->cells[b] = g.close;
    }
    size_t at = inside ? a + 1 + (b - a - 1 - label_chars.size()) / 2 : after ? b + 1 : begin;
    for (size_t i = 0; i < label_chars.size(); ++i) row->cells[at + i] = label_chars[i];
  }

  // The key's row: could it be present, absent, or either, in each column?
  Row key_row = blank_row(fmt::format("key {}", ex.key));
  bool any_state = !ex.present.empty() || !ex.absent.empty();
  auto meets = [](const std::vector<TimeSpan>& spans, int64_t a, int64_t b) {
    return std::any_of(spans.begin(), spans.end(), [&](const TimeSpan& s) { return s.lo <= b && s.hi >= a; });
  };
  for (size_t c = 0; c < cols && any_state; ++c) {
    int64_t a = cell_time(c), b = std::max(a, cell_time(c + 1) - 1);
    if (b < ex.view.lo || a > ex.view.hi) continue;
    bool p = meets(ex.present, a, b), ab = meets(ex.absent, a, b);
    key_row.cells[c] = p && ab ? g.either : p ? g.present : ab ? g.absent : " ";
  }

  const char* dim = style.color ? "\x1b[2m" : "";
  const char* bold = style.color ? "\x1b[1m" : "";
  const char* red = style.color ? "\x1b[31m" : "";
  const char* reset = style.color ? "\x1b[0m" : "";
  auto render = [&](const Row& r, bool mark_window, const char* paint) {
    std::string line = TruncateToWidth(r.name, kLabelW);
    line += std::string(kLabelW - DisplayWidth(line) + 1, ' ');
    std::string body;
    for (size_t c = 0; c < cols; ++c) {
      bool edge = c == win_lo || c == win_hi;
      body += mark_window && edge && r.cells[c] == " " ? g.mark : r.cells[c];
    }
    while (!body.empty() && body.back() == ' ') body.pop_back();
    return line + paint + body + (paint[0] != '\0' ? reset : "") + "\n";
  };

  std::string out;
  std::string subject = ex.ops[0].op == OpKind::kIterate && ex.iteration > 0
                            ? fmt::format("iteration #{}", ex.iteration)
                            : std::string(OpKindName(ex.ops[0].op));
  std::string title = fmt::format("key {}: {} in {} by {} (trial {})", ex.key, AnomalyName(ex.kind), subject,
                                  ex.ops[0].thread, ex.trial);
  out += bold + TruncateToWidth(title, width) + reset + "\n";
  out += dim +
         TruncateToWidth(fmt::format("times: after {} ns on the history's clock", HistoryTimeText(ex.view.lo)), width) +
         reset + "\n";
  // Axis: ticks at the window's ends and the view's, labelled with offsets from the view's start.
  Row axis = blank_row("time");
  for (size_t c = 0; c < cols; ++c) axis.cells[c] = g.axis;
  std::vector<std::pair<size_t, int64_t>> ticks = {
      {col(ex.view.lo), ex.view.lo}, {win_lo, ex.window.lo}, {win_hi, ex.window.hi}, {col(ex.view.hi), ex.view.hi}};
  std::vector<std::string> labels(cols, " ");
  size_t free_from = 0, last_tick = cols;
  for (auto [c, t] : ticks) {
    axis.cells[c] = g.tick;
    if (c == last_tick) continue;  // two ticks in one column: the first label stays
    last_tick = c;
    std::string text = t == ex.view.lo ? "0" : "+" + FormatNanos(static_cast<double>(t - ex.view.lo));
    std::vector<std::string> chars = Chars(text);
    size_t start = std::max(c >= chars.size() / 2 ? c - chars.size() / 2 : 0, free_from);
    if (start + chars.size() > cols) continue;
    for (size_t i = 0; i < chars.size(); ++i) labels[start + i] = chars[i];
    free_from = start + chars.size() + 1;
  }
  std::string label_line = std::string(kLabelW + 1, ' ');
  for (const std::string& ch : labels) label_line += ch;
  while (!label_line.empty() && label_line.back() == ' ') label_line.pop_back();
  out += dim + label_line + reset + "\n";
  out += render(axis, false, dim);
  for (const std::string& t : threads) {
    for (const Row& r : lanes[t]) out += render(r, true, t == ex.ops[0].thread ? bold : "");
  }
  if (any_state) out += render(key_row, true, red);
  std::string from =
      ex.window.lo == ex.view.lo ? "0" : "+" + FormatNanos(static_cast<double>(ex.window.lo - ex.view.lo));
  out += dim +
         TruncateToWidth(fmt::format("{} the {}'s window, {} to +{}", g.mark, SubjectNoun(ex), from,
                                     FormatNanos(static_cast<double>(ex.window.hi - ex.view.lo))),
                         width) +
         reset + "\n";
  if (any_state) {
    out += dim +
           TruncateToWidth(fmt::format("key row: {} only present   {} present or absent   {} only absent", g.present,
                                       g.either, g.absent),
                           width) +
           reset + "\n";
    out += dim + TruncateToWidth("         from all of the key's writes, not only those drawn above", width) + reset +
           "\n";
  }
  return out;
}

std::string SpreadLine(const CaseReport& r, Anomaly kind) {
  const AnomalyTally& t = r.check.tallies[static_cast<int>(kind)];
  uint64_t count = r.check.Count(kind);
  if (count == 0) return "";
  bool loads = kind == Anomaly::kStaleRead;
  // stale_read's occasions are loads, and erases when some erase's result was wrong.
  bool erases = loads && r.check.erases_with[static_cast<int>(kind)] > 0;
  std::string where = erases && r.check.loads == 0     ? "erases"
                      : erases                         ? "loads and erases"
                      : loads                          ? "loads"
                      : kind == Anomaly::kUnknownValue ? "iterations and loads"
                                                       : "iterations";
  uint64_t total = loads                            ? r.check.loads + (erases ? r.check.erases : 0)
                   : kind == Anomaly::kUnknownValue ? r.check.iterations + r.check.loads
                                                    : r.check.iterations;
  if (t.occasions == 0) return fmt::format("{}: {} in total", AnomalyName(kind), FormatThousands(count));  // schema 1
  std::string line =
      fmt::format("{}: in {} of {} {}", AnomalyName(kind), FormatThousands(t.occasions), FormatThousands(total), where);
  if (t.distinct_keys == 0) return line;
  std::string at_least = t.partial ? "at least " : "";
  if (t.distinct_keys == 1 && !t.partial) {
    return line + fmt::format(", always key {}", t.top_key);
  }
  return line + fmt::format(", {}{} distinct keys; key {} in {} of them", at_least, FormatThousands(t.distinct_keys),
                            t.top_key, FormatThousands(t.top_key_occasions));
}

std::string RenderFailureEvidence(const CaseReport& r, const TimelineStyle& style) {
  std::string out;
  for (int i = 0; i < kAnomalyCount; ++i) {
    std::string line = SpreadLine(r, static_cast<Anomaly>(i));
    if (!line.empty() && r.check.tallies[i].occasions > 0) out += WrapText(line, style.width, "  ", "    ");
  }
  for (const Example* e : ExamplesWorstFirst(r)) {
    std::string drawn = RenderTimeline(*e, style);
    if (drawn.empty()) continue;
    out += drawn;
    break;
  }
  return out;
}

}  // namespace mapstress
