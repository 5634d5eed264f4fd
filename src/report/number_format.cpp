#include "report/number_format.h"

#include <fmt/format.h>

#include <cmath>

namespace mapstress {

std::string FormatPercent(double fraction) {
  if (!(fraction > 0)) return "0.0%";
  double pct = fraction * 100;
  if (pct < 0.05) return "<0.1%";
  return fmt::format("{:.1f}%", pct);
}

std::string FormatCount(double value) {
  if (!(value >= 0)) return "0";
  if (value < 1e3) return fmt::format("{:.0f}", value);
  const char* units[] = {"k", "M", "G", "T"};
  int u = -1;
  while (value >= 1e3 && u < 3) {
    value /= 1e3;
    ++u;
  }
  return value < 100 ? fmt::format("{:.1f}{}", value, units[u]) : fmt::format("{:.0f}{}", value, units[u]);
}

std::string FormatNanos(double ns) {
  if (!(ns >= 0)) return "?";
  if (ns < 10) return fmt::format("{:.1f}ns", ns);
  if (ns < 1e3) return fmt::format("{:.0f}ns", ns);
  auto scaled = [](double v, const char* unit) {
    return v < 100 ? fmt::format("{:.1f}{}", v, unit) : fmt::format("{:.0f}{}", v, unit);
  };
  if (ns < 1e6) return scaled(ns / 1e3, "µs");
  if (ns < 1e9) return scaled(ns / 1e6, "ms");
  return fmt::format("{:.2f}s", ns / 1e9);
}

}  // namespace mapstress
