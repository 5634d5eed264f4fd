// STUB (to be replaced): `rwlocked`.
#include "backend/builtin_backends.h"

namespace mapstress {

BackendInfo RwLockedBackend() {
  BackendInfo info;
  info.name = "rwlocked";
  info.description = "not implemented yet";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

}  // namespace mapstress
