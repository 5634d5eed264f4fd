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

const char* OpColor(OpKind kind) {
  switch (kind) {
    case OpKind::kStore: return "#2f6fdf";
    case OpKind::kErase: return "#e07b00";
    case OpKind::kLoad: return "#1a9c5a";
    case OpKind::kIterate: return "#7a4fc9";
  }
  return "#666";
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

std::string TimeText(int64_t t, int64_t origin) {
  if (t == kTimeBeforeAll) return "the start";
  if (t == kTimeAfterAll) return "the end";
  return fmt::format("{} (+{})", t, FormatNanos(static_cast<double>(t - origin)));
}

}  // namespace

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
  // Lanes per thread: an op goes into the first lane of its thread where it does not overlap.
  struct Placed {
    const WitnessOp* op;
    size_t lane;
  };
  std::vector<std::string> threads;
  std::map<std::string, std::vector<double>> lane_end;  // per thread, per lane: the right edge used
  std::vector<Placed> placed;
  for (const WitnessOp& op : ex.ops) {
    if (op.initial) continue;
    if (lane_end.find(op.thread) == lane_end.end()) threads.push_back(op.thread);
    std::vector<double>& ends = lane_end[op.thread];
    double x0 = x(op.call);
    double label_w = 7.0 * static_cast<double>(DisplayWidth(OpLabel(op))) + 8;
    double x1 = std::max(x(op.ret), x0 + 3);
    double right = x1 - x0 >= label_w ? x1 : x1 + label_w;
    size_t lane = 0;
    while (lane < ends.size() && ends[lane] > x0 - 2) ++lane;
    if (lane == ends.size()) ends.push_back(0);
    ends[lane] = right;
    placed.push_back({&op, lane});
  }
  std::map<std::string, double> lane_y;  // first lane's y per thread
  double y = 40;
  for (const std::string& t : threads) {
    lane_y[t] = y;
    y += kRowH * static_cast<double>(lane_end[t].size());
  }
  const double key_y = y;
  const bool has_state = !ex.present.empty() || !ex.absent.empty();
  const double height = key_y + (has_state ? kRowH : 0) + 34;

  std::string svg = fmt::format(
      "<svg class=\"timeline\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"12\">\n",
      kWidth, height, kWidth, height);
  svg += fmt::format("<title>key {}: {} — times in ns on the history's clock, offsets after {}</title>\n", ex.key,
                     AnomalyName(ex.kind), ex.view.lo);
  // The subject's window, across every lane.
  double wx0 = x(ex.window.lo), wx1 = std::max(x(ex.window.hi), wx0 + 1);
  svg += fmt::format(
      "<rect class=\"window\" x=\"{:.1f}\" y=\"24\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#fde9a8\" "
      "fill-opacity=\"0.55\" stroke=\"#c9a200\" stroke-dasharray=\"4 3\"><title>window of the {}: {} to {}</title>"
      "</rect>\n",
      wx0, wx1 - wx0, height - 24 - 26, ex.ops[0].op == OpKind::kIterate ? "iteration" : "load",
      TimeText(ex.window.lo, ex.view.lo), TimeText(ex.window.hi, ex.view.lo));
  // Axis with ticks at the view's and the window's ends.
  svg += fmt::format("<line x1=\"{}\" y1=\"30\" x2=\"{}\" y2=\"30\" stroke=\"#888\"/>\n", kLabelW, kLabelW + kPlotW);
  double last_label = -1e9;
  std::vector<int64_t> ticks = {ex.view.lo, ex.window.lo, ex.window.hi, ex.view.hi};
  for (int64_t t : ticks) {
    double tx = x(t);
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"26\" x2=\"{0:.1f}\" y2=\"34\" stroke=\"#555\"/>\n", tx);
    if (tx - last_label < 60) continue;
    last_label = tx;
    std::string text = t == ex.view.lo ? "0" : "+" + FormatNanos(static_cast<double>(t - ex.view.lo));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"20\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n", tx,
                       XmlEscape(text));
  }
  for (const std::string& t : threads) {
    svg += fmt::format("<text x=\"8\" y=\"{:.1f}\" fill=\"#222\">{}</text>\n", lane_y[t] + 16,
                       XmlEscape(TruncateToWidth(t, 16)));
  }
  for (const Placed& p : placed) {
    const WitnessOp& op = *p.op;
    double x0 = x(op.call), x1 = std::max(x(op.ret), x0 + 3);
    double oy = lane_y[op.thread] + kRowH * static_cast<double>(p.lane) + 4;
    bool subject = op.role == WitnessRole::kSubject;
    std::string tip = fmt::format("{}\nrole: {}\ncall {}\nreturn {}", WitnessText(op), WitnessRoleName(op.role),
                                  TimeText(op.call, ex.view.lo), TimeText(op.ret, ex.view.lo));
    if (op.has_effect) {
      tip += fmt::format("\ncould be in effect from {} until {}", TimeText(op.effect.lo, ex.view.lo),
                         TimeText(op.effect.hi, ex.view.lo));
    }
    svg += fmt::format(
        "<g class=\"op\" tabindex=\"0\" data-info=\"{}\"><title>{}</title>"
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"18\" rx=\"3\" fill=\"{}\" fill-opacity=\"{}\" "
        "stroke=\"{}\" stroke-width=\"{}\"/>",
        XmlEscape(tip), XmlEscape(tip), x0, oy, x1 - x0, OpColor(op.op), subject ? "0.25" : "0.85", OpColor(op.op),
        subject ? 2 : 1);
    std::string label = OpLabel(op);
    double label_w = 7.0 * static_cast<double>(DisplayWidth(label));
    bool inside = x1 - x0 >= label_w + 8;
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\"{}>{}</text></g>\n", inside ? (x0 + x1) / 2 : x1 + 4,
                       oy + 13, inside && !subject ? "#fff" : "#222", inside ? " text-anchor=\"middle\"" : "",
                       XmlEscape(label));
  }
  if (has_state) {
    svg += fmt::format("<text x=\"8\" y=\"{:.1f}\" fill=\"#222\" font-weight=\"bold\">key {}</text>\n", key_y + 16,
                       ex.key);
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
      const char* fill = p && ab ? "url(#either)" : p ? "#c62828" : "#e0e0e0";
      const char* what = p && ab ? "present or absent" : p ? "only present (it must be seen)" : "only absent";
      svg += fmt::format(
          "<rect class=\"state\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"14\" fill=\"{}\"><title>key {} "
          "could be {} from {} to {}</title></rect>\n",
          x(a), key_y + 5, std::max(x(b) - x(a), 1.0), fill, ex.key, what, TimeText(a, ex.view.lo),
          TimeText(b, ex.view.lo));
    }
  }
  svg += fmt::format(
      "<text x=\"{}\" y=\"{:.1f}\" fill=\"#666\" font-size=\"11\">times: ns after {} on the history's "
      "clock · shaded: the {}'s window · key row: red = only present, hatched = present or absent, "
      "grey = only absent</text>\n",
      kLabelW, height - 8, ex.view.lo, ex.ops[0].op == OpKind::kIterate ? "iteration" : "load");
  svg += "</svg>\n";
  return svg;
}

}  // namespace mapstress
