// What a backend promises about its iterations: the contract its results are graded by.
#pragma once

#include <cstdint>
#include <string>

namespace mapstress {

enum class Guarantee : uint8_t { kSnapshot, kWeak, kNone };
const char* GuaranteeName(Guarantee g);  // "snapshot", "weak", "none"
bool ParseGuarantee(const std::string& text, Guarantee* out);

}  // namespace mapstress
