#include "core/example.h"

#include <fmt/format.h>

namespace mapstress {

namespace {
constexpr const char* kRoleNames[kWitnessRoleCount] = {"subject", "write", "superseder", "erase", "other"};
}  // namespace

const char* WitnessRoleName(WitnessRole role) { return kRoleNames[static_cast<int>(role)]; }

const char* SubjectNoun(const Example& example) {
  const OpKind kind = example.ops.empty() ? OpKind::kLoad : example.ops[0].op;
  return kind == OpKind::kIterate ? "iteration" : kind == OpKind::kErase ? "erase" : "load";
}

bool ParseWitnessRole(const std::string& text, WitnessRole* out) {
  for (int i = 0; i < kWitnessRoleCount; ++i) {
    if (text == kRoleNames[i]) {
      *out = static_cast<WitnessRole>(i);
      return true;
    }
  }
  return false;
}

std::string HistoryTimeText(int64_t t) {
  if (t == kTimeBeforeAll) return "the start";
  if (t == kTimeAfterAll) return "the end";
  return fmt::format("{}", t);
}

std::string WitnessText(const WitnessOp& w) {
  if (w.initial) {
    return w.op == OpKind::kStore ? fmt::format("prefill key={} value={}", w.key, w.value)
                                  : fmt::format("initial state: key {} absent", w.key);
  }
  std::string times = fmt::format("call={} return={}", w.call, w.ret);
  switch (w.op) {
    case OpKind::kStore: return fmt::format("{} store key={} value={} {}", w.thread, w.key, w.value, times);
    case OpKind::kErase:
      return fmt::format("{} erase key={} ({}) {}", w.thread, w.key, w.found ? "removed" : "nothing removed", times);
    case OpKind::kLoad:
      if (!w.found) return fmt::format("{} load key={} -> not found {}", w.thread, w.key, times);
      return fmt::format("{} load key={} -> {} {}", w.thread, w.key, w.value, times);
    case OpKind::kIterate:
      return fmt::format("{} iterate ({} {}) {}", w.thread, w.entries, w.entries == 1 ? "entry" : "entries", times);
  }
  return "?";
}

}  // namespace mapstress
