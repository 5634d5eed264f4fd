#include "core/duration.h"

#include <limits>
#include <string>

namespace mapstress {
namespace {

constexpr char kValidUnits[] = "(valid units: ns, us, ms, s, m, h)";

}  // namespace

bool ParseDuration(std::string_view text, Nanos* out, std::string* error) {
  const std::string units = kValidUnits;
  if (!text.empty() && text[0] == '-') {
    *error = "negative durations are not allowed";
    return false;
  }
  if (text.empty()) {
    *error = "expected a number followed by a unit " + units;
    return false;
  }
  using U128 = unsigned __int128;
  const U128 kLimit = static_cast<U128>(std::numeric_limits<int64_t>::max());
  U128 total = 0;
  size_t i = 0;
  auto digit = [&](size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
  while (i < text.size()) {
    size_t start = i;
    U128 whole = 0;
    bool too_large = false;
    if (!digit(i)) {
      *error = "expected a number followed by a unit " + units;
      return false;
    }
    for (; digit(i); ++i) {
      whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
      if (whole > kLimit) {
        too_large = true;
        whole = kLimit + 1;
      }
    }
    std::string frac;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (!digit(i)) {
        *error = "expected digits after '.'";
        return false;
      }
      for (; digit(i); ++i) frac += text[i];
    }
    std::string number(text.substr(start, i - start));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit(text.substr(unit_start, i - unit_start));
    if (unit.empty()) {
      if (i < text.size()) {
        *error = "unexpected '" + std::string(1, text[i]) + "' after '" + number + "' " + units;
      } else {
        *error = "missing unit after '" + number + "' " + units;
      }
      return false;
    }
    static const std::pair<const char*, int64_t> kUnits[] = {
        {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000}, {"h", 3600000000000}};
    int64_t scale = 0;
    for (const auto& [name, ns] : kUnits) {
      if (unit == name) scale = ns;
    }
    if (scale == 0) {
      *error = "unknown unit '" + unit + "' " + units;
      return false;
    }
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (frac.size() > 18) {
      *error = "'" + number + unit + "' is not a whole number of nanoseconds";
      return false;
    }
    U128 frac_value = 0;
    U128 denominator = 1;
    for (char c : frac) {
      frac_value = frac_value * 10 + static_cast<unsigned>(c - '0');
      denominator *= 10;
    }
    U128 frac_ns = frac_value * static_cast<U128>(scale);
    if (frac_ns % denominator != 0) {
      *error = "'" + number + unit + "' is not a whole number of nanoseconds";
      return false;
    }
    if (too_large || whole > kLimit / static_cast<U128>(scale)) {
      *error = "too large (at most about 292 years)";
      return false;
    }
    total += whole * static_cast<U128>(scale) + frac_ns / denominator;
    if (total > kLimit) {
      *error = "too large (at most about 292 years)";
      return false;
    }
  }
  *out = Nanos(static_cast<int64_t>(total));
  return true;
}

namespace {

// value / unit with the fraction's trailing zeros trimmed: (1500, 1000, "us") -> "1.5us".
std::string Decimal(uint64_t value, uint64_t unit, const char* suffix) {
  std::string out = std::to_string(value / unit);
  uint64_t rest = value % unit;
  if (rest != 0) {
    std::string frac = std::to_string(rest);
    frac.insert(0, std::to_string(unit).size() - 1 - frac.size(), '0');
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + suffix;
}

}  // namespace

std::string FormatDuration(Nanos d) {
  int64_t count = d.count();
  if (count == 0) return "0s";
  uint64_t v = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string sign = count < 0 ? "-" : "";
  constexpr uint64_t kSecond = 1000000000;
  if (v < 1000) return sign + std::to_string(v) + "ns";
  if (v < 1000000) return sign + Decimal(v, 1000, "us");
  if (v < kSecond) return sign + Decimal(v, 1000000, "ms");
  std::string out = sign;
  uint64_t hours = v / (3600 * kSecond);
  uint64_t minutes = v % (3600 * kSecond) / (60 * kSecond);
  uint64_t rest = v % (60 * kSecond);
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (rest) out += Decimal(rest, kSecond, "s");
  return out;
}

}  // namespace mapstress
