#include "history/history.h"

#include <fmt/format.h>

namespace mapstress {

const char* OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kStore: return "store";
    case OpKind::kErase: return "erase";
    case OpKind::kLoad: return "load";
    case OpKind::kIterate: return "iterate";
  }
  return "?";
}

const char* GuaranteeName(Guarantee g) {
  switch (g) {
    case Guarantee::kSnapshot: return "snapshot";
    case Guarantee::kWeak: return "weak";
    case Guarantee::kNone: return "none";
  }
  return "?";
}

bool ParseGuarantee(const std::string& text, Guarantee* out) {
  for (Guarantee g : {Guarantee::kSnapshot, Guarantee::kWeak, Guarantee::kNone}) {
    if (text == GuaranteeName(g)) {
      *out = g;
      return true;
    }
  }
  return false;
}

std::string History::ThreadName(uint32_t thread) const {
  if (thread < thread_names.size() && !thread_names[thread].empty()) return thread_names[thread];
  return fmt::format("thread {}", thread);
}

}  // namespace mapstress
