#include "report/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "core/text_width.h"
#include "report/number_format.h"

namespace mapstress {
namespace {

constexpr double kWidth = 960, kLabelW = 120, kPlotW = kWidth - kLabelW - 20, kRowH = 26;

// The CSS class of an op's bar (colours live in the page's style sheet, once).
const char* OpClass(OpKind kind) {
  switch (kind) {
    case OpKind::kStore: return "o-store";
    case OpKind::kErase: return "o-erase";
    case OpKind::kLoad: return "o-load";
    case OpKind::kIterate: return "o-iterate";
  }
  return "";
}

std::string OpLabel(const WitnessOp& op) {
  switch (op.op) {
    case OpKind::kStore: return fmt::format("store {}", op.value);
    case OpKind::kErase: return op.found ? "erase" : "erase (none)";
    case OpKind::kLoad: return op.found ? fmt::format("load → {}", op.value) : "load → absent";
    case OpKind::kIterate: return fmt::format("iterate ({} entries)", op.entries);
  }
  return "?";
}

// "+4.5µs" after the origin ("+0" at it).
std::string Offset(int64_t t, int64_t origin) {
  return t == origin ? "+0" : "+" + FormatNanos(static_cast<double>(t - origin));
}

std::string TimeText(int64_t t, int64_t origin) {
  if (t == kTimeBeforeAll) return "the start";
  if (t == kTimeAfterAll) return "the end";
  return fmt::format("{} ({})", t, Offset(t, origin));
}

}  // namespace

const char* const kSvgTimelineStyle = R"(
svg.timeline{max-width:100%;height:auto;background:#fff;border:1px solid #eee;margin-top:6px;font:12px sans-serif}
svg.timeline text{fill:#222}
svg.timeline .axis text{fill:#555;text-anchor:middle}
svg.timeline .axis text.origin{text-anchor:start;font-size:11px}
svg.timeline .axis path{stroke:#777;fill:none}
svg.timeline text.key{font-weight:bold}
svg.timeline rect.window{fill:#fde9a8;fill-opacity:.55;stroke:#c9a200;stroke-dasharray:4 3}
svg.timeline g.op{cursor:pointer}
svg.timeline g.op rect{fill-opacity:.85;stroke-width:1;height:18px;rx:3px}
svg.timeline g.op.subject rect{fill-opacity:.25;stroke-width:2}
svg.timeline g.op.inside text{fill:#fff;text-anchor:middle}
svg.timeline g.op.subject.inside text{fill:#222}
svg.timeline g.op.before text{text-anchor:end}
svg.timeline g.o-store rect{fill:#2f6fdf;stroke:#2f6fdf}
svg.timeline g.o-erase rect{fill:#e07b00;stroke:#e07b00}
svg.timeline g.o-load rect{fill:#1a9c5a;stroke:#1a9c5a}
svg.timeline g.o-iterate rect{fill:#7a4fc9;stroke:#7a4fc9}
svg.timeline g.op:hover rect,svg.timeline g.op:focus rect{stroke:#000;stroke-width:2}
.st-present{fill:#c62828;background:#c62828}
.st-absent{fill:#e0e0e0;background:#e0e0e0}
.st-either{fill:url(#either);background:repeating-linear-gradient(45deg,#c62828 0 2px,#f3c1c1 2px 6px)}
)";

const char* const kSvgTimelineDefs =
    "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><pattern id=\"either\" "
    "width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" "
    "height=\"6\" fill=\"#f3c1c1\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c62828\" "
    "stroke-width=\"2\"/></pattern></defs></svg>\n";

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderSvgTimeline(const Example& ex) {
  if (ex.ops.empty() || ex.view.hi < ex.view.lo) return "";
  const int64_t span = std::max<int64_t>(ex.view.hi - ex.view.lo, 1);
  const int64_t pad = std::max<int64_t>(span / 25, 1);
  const int64_t lo = ex.view.lo - pad, hi = ex.view.hi + pad;
  auto x = [&](int64_t t) {
    t = std::clamp(t, lo, hi);
    return kLabelW + kPlotW * static_cast<double>(t - lo) / static_cast<double>(hi - lo);
  };
  // An op on another key (a not_snapshot's second key) names it.
  auto Label = [&](const WitnessOp& op) {
    return op.op != OpKind::kIterate && op.key != ex.key ? fmt::format("key {}: {}", op.key, OpLabel(op)) : OpLabel(op);
  };
  // Lanes per thread: an op (with its label) goes into the first lane of its thread where it does
  // not overlap. A label goes inside its bar, after it, or before it when there is no room after.
  enum class Side { kInside, kAfter, kBefore };
  struct Placed {
    const WitnessOp* op;
    size_t lane;
    Side side;
  };
  std::vector<std::string> threads;
  std::map<std::string, std::vector<std::vector<std::pair<double, double>>>> lanes;  // per thread: used spans
  std::vector<Placed> placed;
  for (const WitnessOp& op : ex.ops) {
    if (op.initial) continue;
    if (lanes.find(op.thread) == lanes.end()) threads.push_back(op.thread);
    auto& used = lanes[op.thread];
    double x0 = x(op.call);
    double label_w = 7.0 * static_cast<double>(DisplayWidth(Label(op))) + 8;
    double x1 = std::max(x(op.ret), x0 + 3);
    Side side = x1 - x0 >= label_w ? Side::kInside : x1 + label_w <= kWidth - 4 ? Side::kAfter : Side::kBefore;
    double left = side == Side::kBefore ? x0 - label_w : x0;
    double right = side == Side::kAfter ? x1 + label_w : x1;
    size_t lane = 0;
    auto overlaps = [&](const std::pair<double, double>& s) { return s.first < right + 2 && left < s.second + 2; };
    while (lane < used.size() && std::any_of(used[lane].begin(), used[lane].end(), overlaps)) ++lane;
    if (lane == used.size()) used.emplace_back();
    used[lane].emplace_back(left, right);
    placed.push_back({&op, lane, side});
  }
  std::map<std::string, double> lane_y;  // first lane's y per thread
  double y = 40;
  for (const std::string& t : threads) {
    lane_y[t] = y;
    y += kRowH * static_cast<double>(lanes[t].size());
  }
  const double key_y = y;
  const bool has_state = !ex.present.empty() || !ex.absent.empty();
  const double height = key_y + (has_state ? kRowH : 0) + 8;

  // Colours, fonts and strokes come from the page's classes (svg.timeline ... in the HTML style).
  std::string svg = fmt::format(
      "<svg class=\"timeline\" viewBox=\"0 0 {0} {1:.0f}\" width=\"{0}\" height=\"{1:.0f}\" role=\"img\" "
      "aria-label=\"key {2}: {3}\">\n",
      kWidth, height, ex.key, AnomalyName(ex.kind));
  // The subject's window, across every lane.
  double wx0 = x(ex.window.lo), wx1 = std::max(x(ex.window.hi), wx0 + 1);
  svg += fmt::format(
      "<rect class=\"window\" x=\"{:.1f}\" y=\"24\" width=\"{:.1f}\" height=\"{:.0f}\"><title>the {}'s window: "
      "{} to {}</title></rect>\n",
      wx0, wx1 - wx0, height - 24, SubjectNoun(ex), TimeText(ex.window.lo, ex.view.lo),
      TimeText(ex.window.hi, ex.view.lo));
  // Axis with ticks at the view's and the window's ends; its origin on the history's clock at the left.
  svg += fmt::format("<g class=\"axis\"><text class=\"origin\" x=\"8\" y=\"20\">ns after {}</text>", ex.view.lo);
  std::string path = fmt::format("M{} 30H{}", kLabelW, kLabelW + kPlotW);
  double last_label = -1e9;
  std::vector<int64_t> ticks = {ex.view.lo, ex.window.lo, ex.window.hi, ex.view.hi};
  for (int64_t t : ticks) {
    double tx = x(t);
    path += fmt::format("M{:.1f} 26v8", tx);
    if (tx - last_label < 60) continue;
    last_label = tx;
    std::string text = t == ex.view.lo ? "0" : "+" + FormatNanos(static_cast<double>(t - ex.view.lo));
    svg += fmt::format("<text x=\"{:.0f}\" y=\"20\">{}</text>", tx, XmlEscape(text));
  }
  svg += "<path d=\"" + path + "\"/></g>\n";
  for (const std::string& t : threads) {
    svg += fmt::format("<text x=\"8\" y=\"{:.0f}\">{}</text>\n", lane_y[t] + 16, XmlEscape(TruncateToWidth(t, 16)));
  }
  for (const Placed& p : placed) {
    const WitnessOp& op = *p.op;
    double x0 = x(op.call), x1 = std::max(x(op.ret), x0 + 3);
    double oy = lane_y[op.thread] + kRowH * static_cast<double>(p.lane) + 4;
    bool subject = op.role == WitnessRole::kSubject;
    std::string tip = fmt::format("{}\nrole: {}, {} to {}", WitnessText(op), WitnessRoleName(op.role),
                                  Offset(op.call, ex.view.lo), Offset(op.ret, ex.view.lo));
    if (op.has_effect) {
      tip += fmt::format("\ncould be in effect from {} until {}", TimeText(op.effect.lo, ex.view.lo),
                         TimeText(op.effect.hi, ex.view.lo));
    }
    // The click handler shows the <title>'s text; the bar's look comes from its classes.
    std::string label = Label(op);
    bool inside = p.side == Side::kInside;
    double tx = inside ? (x0 + x1) / 2 : p.side == Side::kAfter ? x1 + 4 : x0 - 4;
    svg += fmt::format(
        "<g class=\"op {}{}{}\" tabindex=\"0\"><title>{}</title><rect x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\"/>"
        "<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text></g>\n",
        OpClass(op.op), subject ? " subject" : "",
        inside                    ? " inside"
        : p.side == Side::kBefore ? " before"
                                  : "",
        XmlEscape(tip), x0, oy, x1 - x0, tx, oy + 13, XmlEscape(label));
  }
  if (has_state) {
    svg += fmt::format("<text class=\"key\" x=\"8\" y=\"{:.0f}\">key {}</text>\n", key_y + 16, ex.key);
    // Present only: solid; absent only: light; both possible: hatched.
    auto segments = [&](const std::vector<TimeSpan>& a, const std::vector<TimeSpan>& b) {
      // Times where the set of possible states changes, within the view.
      std::vector<int64_t> cuts = {ex.view.lo, ex.view.hi};
      for (const auto* list : {&a, &b}) {
        for (const TimeSpan& s : *list) cuts.insert(cuts.end(), {s.lo, s.hi});
      }
      std::sort(cuts.begin(), cuts.end());
      cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
      return cuts;
    };
    std::vector<int64_t> cuts = segments(ex.present, ex.absent);
    auto in = [](const std::vector<TimeSpan>& spans, int64_t a, int64_t b) {
      return std::any_of(spans.begin(), spans.end(), [&](const TimeSpan& s) { return s.lo <= a && s.hi >= b; });
    };
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      int64_t a = cuts[i], b = cuts[i + 1];
      if (a < ex.view.lo || b > ex.view.hi) continue;
      bool p = in(ex.present, a, b), ab = in(ex.absent, a, b);
      if (!p && !ab) continue;
      const char* cls = p && ab ? "st-either" : p ? "st-present" : "st-absent";
      const char* what = p && ab ? "present or absent" : p ? "only present (it must be seen)" : "only absent";
      svg += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"14\"><title>{}: {} to "
          "{}</title></rect>\n",
          cls, x(a), key_y + 5, std::max(x(b) - x(a), 1.0), what, TimeText(a, ex.view.lo), TimeText(b, ex.view.lo));
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace mapstress
