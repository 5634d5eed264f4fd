#include "core/history.h"

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

std::string History::ThreadName(uint32_t thread) const {
  if (thread < thread_names.size() && !thread_names[thread].empty()) return thread_names[thread];
  return fmt::format("thread {}", thread);
}

}  // namespace mapstress
