#include "core/guarantee.h"

namespace mapstress {

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

}  // namespace mapstress
