// libFuzzer target: any bytes through ParseScenario must give a scenario or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mapstress::Scenario scenario;
  mapstress::LoadError error;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!mapstress::ParseScenario(text, "fuzz.json", &scenario, &error)) {
    (void)error.ToString();
  }
  return 0;
}
