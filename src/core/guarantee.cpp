#include "core/guarantee.h"

#include "core/name_table.h"

namespace mapstress {
namespace {

constexpr NameTable<Guarantee, 3> kGuaranteeNames{{"snapshot", "weak", "none"}};

}  // namespace

const char* GuaranteeName(Guarantee g) { return kGuaranteeNames.Name(g); }
bool ParseGuarantee(const std::string& text, Guarantee* out) { return kGuaranteeNames.Parse(text, out); }
const std::vector<std::string>& GuaranteeNames() {
  static const std::vector<std::string> names = kGuaranteeNames.All();
  return names;
}

}  // namespace mapstress
