#include "report/crash_text.h"

#include <fmt/format.h>

#include "core/text_width.h"
#include "report/terminal.h"

namespace mapstress {
namespace {

constexpr size_t kOpsShown = 6;      // per thread, newest last
constexpr size_t kFramesShown = 12;  // per stack

// "ns::F(unsigned long, int)+0x1c (m)" -> "ns::F(…)+0x1c (m)": the parameters give way first.
std::string ShortFrame(const std::string& frame) {
  static const std::string kAnonymous = "(anonymous namespace)";
  for (size_t i = 0; i < frame.size(); ++i) {
    if (frame[i] != '(') continue;
    if (i > 0 && frame[i - 1] == ' ') return frame;  // " (module)": no parameters to shorten
    if (frame.compare(i, kAnonymous.size(), kAnonymous) == 0) {
      i += kAnonymous.size() - 1;
      continue;
    }
    int depth = 0;
    for (size_t j = i; j < frame.size(); ++j) {
      depth += frame[j] == '(' ? 1 : frame[j] == ')' ? -1 : 0;
      if (depth == 0) return j == i + 1 ? frame : frame.substr(0, i) + "(…)" + frame.substr(j + 1);
    }
    return frame;
  }
  return frame;
}

std::string Frames(const std::vector<std::string>& frames, const char* indent) {
  std::string out;
  for (size_t i = 0; i < frames.size() && i < kFramesShown; ++i) {
    out +=
        TruncateToWidth(fmt::format("{}#{:<2} {}", indent, i, ShortFrame(ValidUtf8(frames[i]))), kTerminalWidth) + "\n";
  }
  if (frames.size() > kFramesShown) out += fmt::format("{}... {} more frames\n", indent, frames.size() - kFramesShown);
  return out;
}

}  // namespace

std::string RenderCrashDetails(const CaseReport& r) {
  const CrashDetails& c = r.crash;
  if (c.empty()) return "";
  std::string out;
  if (!c.backtrace.empty()) {
    out += fmt::format("  backtrace of {}{}:\n", c.thread.empty() ? "the crashing thread" : ValidUtf8(c.thread),
                       r.signal.empty() ? "" : " (" + r.signal + ")");
    out += Frames(c.backtrace, "    ");
  }
  bool any_ops = false;
  for (const ThreadDump& t : c.threads) any_ops |= !t.last_ops.empty();
  if (any_ops) out += "  last ops started per thread (oldest first; the last one may not have returned):\n";
  std::string idle;
  for (const ThreadDump& t : c.threads) {
    if (t.last_ops.empty() && t.stack.empty()) {
      idle += (idle.empty() ? "" : ", ") + ValidUtf8(t.thread);
      continue;
    }
    std::string ops;
    size_t first = t.last_ops.size() > kOpsShown ? t.last_ops.size() - kOpsShown : 0;
    for (size_t i = first; i < t.last_ops.size(); ++i) ops += (i > first ? ", " : "") + ValidUtf8(t.last_ops[i]);
    out += WrapText(fmt::format("{} ({} started){} {}", ValidUtf8(t.thread), t.ops_started, first > 0 ? ": ..." : ":",
                                ops.empty() ? "-" : ops),
                    kTerminalWidth, "    ", "      ");
    if (!t.stack.empty()) {
      out += fmt::format("      stack of {}:\n", ValidUtf8(t.thread));
      out += Frames(t.stack, "        ");
    }
  }
  if (!idle.empty()) out += WrapText("no op started yet: " + idle, kTerminalWidth, "    ", "      ");
  return out;
}

}  // namespace mapstress
