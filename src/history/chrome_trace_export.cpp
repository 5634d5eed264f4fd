#include "history/chrome_trace_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace mapstress {
namespace {

// A JSON string literal (names come from the history file and may hold anything).
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Microseconds after the trace's origin, as the format wants them (ns precision kept).
std::string Micros(int64_t t, int64_t origin) {
  int64_t d = t - origin;
  return fmt::format("{}{}.{:03}", d < 0 ? "-" : "", (d < 0 ? -d : d) / 1000, (d < 0 ? -d : d) % 1000);
}

class Writer {
 public:
  explicit Writer(std::FILE* out) : out_(out) {}
  void Event(const std::string& json) {
    buffer_ += first_ ? "\n" : ",\n";
    first_ = false;
    buffer_ += json;
    if (buffer_.size() > (1 << 16)) Flush();
  }
  void Raw(std::string_view text) { buffer_ += text; }
  bool Flush() {
    ok_ &= std::fwrite(buffer_.data(), 1, buffer_.size(), out_) == buffer_.size();
    buffer_.clear();
    return ok_;
  }

 private:
  std::FILE* out_;
  std::string buffer_;
  bool first_ = true;
  bool ok_ = true;
};

std::string OpArgs(const Op& op) {
  std::string args = fmt::format("\"call_ns\":{},\"return_ns\":{}", op.call, op.ret);
  switch (op.kind) {
    case OpKind::kStore: args += fmt::format(",\"key\":{},\"value\":{}", op.key, op.value); break;
    case OpKind::kErase: args += fmt::format(",\"key\":{},\"removed\":{}", op.key, op.found); break;
    case OpKind::kLoad:
      args += fmt::format(",\"key\":{},\"found\":{}", op.key, op.found);
      if (op.found) args += fmt::format(",\"value\":{}", op.value);
      break;
    case OpKind::kIterate: args += fmt::format(",\"entries\":{}", op.entry_count); break;
  }
  return args;
}

std::string OpName(const Op& op) {
  if (op.kind == OpKind::kIterate) return "iterate";
  return fmt::format("{} {}", OpKindName(op.kind), op.key);
}

}  // namespace

bool ParseTraceWindow(const std::string& text, const std::vector<Example>& examples, ChromeTraceOptions* options,
                      std::string* error) {
  auto number = [](std::string_view s, int64_t* out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  if (text.rfind("example:", 0) == 0) {
    std::string_view rest = std::string_view(text).substr(8);
    size_t colon = rest.find(':');
    int64_t k = 0, pad = -1;
    if (!number(rest.substr(0, colon), &k) ||
        (colon != std::string_view::npos && !number(rest.substr(colon + 1), &pad))) {
      *error = fmt::format("--window: expected example:K or example:K:PAD (PAD in ns), got '{}'", text);
      return false;
    }
    if (k < 1 || static_cast<size_t>(k) > examples.size()) {
      *error = fmt::format("--window: example {} does not exist (the history has {} example{})", k, examples.size(),
                           examples.size() == 1 ? "" : "s");
      return false;
    }
    const Example& e = examples[static_cast<size_t>(k - 1)];
    if (pad < 0) pad = std::max<int64_t>(e.view.hi - e.view.lo, 1);
    options->lo = e.view.lo - pad;
    options->hi = e.view.hi + pad;
    return true;
  }
  size_t colon = text.find(':');
  int64_t lo = 0, hi = 0;
  if (colon == std::string::npos || !number(std::string_view(text).substr(0, colon), &lo) ||
      !number(std::string_view(text).substr(colon + 1), &hi) || hi < lo) {
    *error = fmt::format("--window: expected LO:HI (history nanoseconds, LO <= HI) or example:K[:PAD], got '{}'", text);
    return false;
  }
  options->lo = lo;
  options->hi = hi;
  return true;
}

bool WriteChromeTrace(const History& h, const std::vector<Example>& examples, const ChromeTraceOptions& options,
                      std::FILE* out) {
  auto inside = [&](int64_t call, int64_t ret) { return ret >= options.lo && call <= options.hi; };
  int64_t origin = kTimeAfterAll;
  for (const Op& op : h.ops) {
    if (inside(op.call, op.ret)) origin = std::min(origin, op.call);
  }
  if (origin == kTimeAfterAll) origin = 0;
  Writer w(out);
  w.Raw("{\"displayTimeUnit\":\"ns\",");
  w.Raw(
      fmt::format("\"otherData\":{{\"tool\":\"mapstress\",\"scenario\":{},\"backend\":{},\"trial\":{},"
                  "\"seed\":{},\"origin_ns\":{},\"note\":\"ts and dur are microseconds after origin_ns; "
                  "args hold the history's own nanoseconds\"}},",
                  Quote(h.scenario), Quote(h.backend), h.trial, h.seed, origin));
  w.Raw("\"traceEvents\":[");
  w.Event(fmt::format("{{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{{\"name\":{}}}}}",
                      Quote(fmt::format("{} × {} trial {}", h.scenario, h.backend, h.trial))));
  std::vector<bool> named(h.thread_names.size() + 1, false);
  for (const Op& op : h.ops) {
    if (op.thread >= named.size()) named.resize(op.thread + 1, false);
    if (named[op.thread]) continue;
    named[op.thread] = true;
    w.Event(fmt::format("{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{},\"args\":{{\"name\":{}}}}}",
                        op.thread + 1, Quote(h.ThreadName(op.thread))));
  }
  for (const Op& op : h.ops) {
    if (!inside(op.call, op.ret)) continue;
    w.Event(
        fmt::format("{{\"name\":{},\"cat\":\"{}\",\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{},\"dur\":{},"
                    "\"args\":{{{}}}}}",
                    Quote(OpName(op)), OpKindName(op.kind), op.thread + 1, Micros(op.call, origin),
                    Micros(op.ret, op.call), OpArgs(op)));
  }
  // Examples: an instant event on the subject, flow arrows from each witness op to it.
  std::map<std::string, uint32_t> tid_of;  // thread name -> tid
  for (size_t t = 0; t < named.size(); ++t) {
    if (named[t]) tid_of.emplace(h.ThreadName(static_cast<uint32_t>(t)), static_cast<uint32_t>(t + 1));
  }
  uint64_t flow = 0;
  for (size_t i = 0; i < examples.size(); ++i) {
    const Example& e = examples[i];
    if (e.ops.empty() || e.trial != h.trial || !inside(e.window.lo, e.window.hi)) continue;
    const WitnessOp& subject = e.ops[0];
    auto tid = tid_of.find(subject.thread);
    if (tid == tid_of.end()) continue;
    std::string name = fmt::format("{} key {}", AnomalyName(e.kind), e.key);
    w.Event(
        fmt::format("{{\"name\":{},\"cat\":\"anomaly\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{},\"ts\":{},"
                    "\"args\":{{\"example\":{},\"iteration\":{},\"explanation\":{}}}}}",
                    Quote(name), tid->second, Micros(subject.call, origin), i + 1, e.iteration, Quote(e.explanation)));
    for (size_t k = 1; k < e.ops.size(); ++k) {
      const WitnessOp& op = e.ops[k];
      auto from = tid_of.find(op.thread);
      if (op.initial || from == tid_of.end() || !inside(op.call, op.ret)) continue;
      ++flow;
      w.Event(fmt::format("{{\"name\":{},\"cat\":\"witness\",\"ph\":\"s\",\"id\":{},\"pid\":1,\"tid\":{},\"ts\":{}}}",
                          Quote(name), flow, from->second, Micros(op.call, origin)));
      w.Event(
          fmt::format("{{\"name\":{},\"cat\":\"witness\",\"ph\":\"f\",\"bp\":\"e\",\"id\":{},\"pid\":1,\"tid\":{},"
                      "\"ts\":{}}}",
                      Quote(name), flow, tid->second, Micros(subject.call, origin)));
    }
  }
  w.Raw("\n]}\n");
  return w.Flush();
}

}  // namespace mapstress
