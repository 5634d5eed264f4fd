#include "report/anomaly_share.h"

#include <fmt/format.h>

#include "report/number_format.h"

namespace mapstress {
namespace {

// 0.162 -> "16.2%"; a non-zero share below 0.05% -> "<0.1%".
std::string Percent(uint64_t part, uint64_t whole) {
  if (part == 0 || whole == 0) return "0%";
  double pct = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  if (pct < 0.05) return "<0.1%";
  return fmt::format("{:.1f}%", pct);
}

std::string Piece(uint64_t part, uint64_t whole, bool known, const char* unit_one, const char* unit_many) {
  const char* unit = whole == 1 ? unit_one : unit_many;
  if (!known) return fmt::format("in ? of {} {}", FormatThousands(whole), unit);
  return fmt::format("in {} of {} {} ({})", FormatThousands(part), FormatThousands(whole), unit, Percent(part, whole));
}

}  // namespace

double AnomalyShare::Fraction() const {
  bool by_loads = !in_iterations || (iterations_with == 0 && loads_with > 0);
  // Erases count only once one was wrong (stale_read), as ShareText says.
  bool with_erases = by_loads && erases_with > 0;
  uint64_t part = by_loads ? loads_with + (with_erases ? erases_with : 0) : iterations_with;
  uint64_t whole = by_loads ? loads + (with_erases ? erases : 0) : iterations;
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

AnomalyShare ShareOf(const CheckResult& check, Anomaly kind) {
  AnomalyShare s;
  int i = static_cast<int>(kind);
  s.kind = kind;
  s.count = check.anomalies[i];
  s.iterations = check.iterations;
  s.loads = check.loads;
  s.erases = check.erases;
  s.in_iterations = kind != Anomaly::kStaleRead;
  s.in_loads = kind == Anomaly::kStaleRead || kind == Anomaly::kUnknownValue;
  s.known = check.shares_known;
  if (check.shares_known) {
    s.iterations_with = check.iterations_with[i];
    s.loads_with = check.loads_with[i];
    s.erases_with = check.erases_with[i];
  } else if (kind == Anomaly::kStaleRead) {
    s.loads_with = s.count;  // one per load: exact without the per-kind counts
    s.known = true;
  } else if (kind == Anomaly::kNotSnapshot) {
    s.iterations_with = s.count;  // one per iteration
    s.known = true;
  }
  return s;
}

std::string ShareText(const AnomalyShare& s) {
  std::string iterations = Piece(s.iterations_with, s.iterations, s.known, "iteration", "iterations");
  std::string loads = Piece(s.loads_with, s.loads, s.known, "load", "loads");
  if (!s.in_loads) return iterations;
  if (!s.in_iterations) {
    // stale_read: loads, and erases where any erase's result was wrong.
    if (!s.known || s.erases_with == 0) return loads;
    std::string erases = Piece(s.erases_with, s.erases, s.known, "erase", "erases");
    return s.loads_with == 0 ? erases : loads + " and " + erases.substr(3);
  }
  // unknown_value: iterations and loads can both have it; name the ones that did.
  if (s.known && s.loads_with == 0) return iterations;
  if (s.known && s.iterations_with == 0) return loads;
  return iterations + " and " + loads.substr(3);
}

std::string CountAndShareText(const AnomalyShare& s) {
  return fmt::format("{} {}, {}", FormatThousands(s.count), AnomalyName(s.kind), ShareText(s));
}

}  // namespace mapstress
