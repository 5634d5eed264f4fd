#include "core/history.h"

#include <fmt/format.h>

#include "core/name_table.h"

namespace mapstress {

namespace {

constexpr NameTable<OpKind, kOpKindCount> kOpKindNames{{"store", "erase", "load", "iterate"}};

}  // namespace

const char* OpKindName(OpKind kind) { return kOpKindNames.Name(kind); }
bool ParseOpKind(std::string_view text, OpKind* out) { return kOpKindNames.Parse(text, out); }
const std::vector<std::string>& OpKindNames() {
  static const std::vector<std::string> names = kOpKindNames.All();
  return names;
}

std::string History::ThreadName(uint32_t thread) const {
  if (thread < thread_names.size() && !thread_names[thread].empty()) return thread_names[thread];
  return fmt::format("thread {}", thread);
}

}  // namespace mapstress
