// STUB (to be replaced): `cow`.
#include "backend/builtin_backends.h"

namespace mapstress {

BackendInfo CowBackend() {
  BackendInfo info;
  info.name = "cow";
  info.description = "not implemented yet";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

}  // namespace mapstress
