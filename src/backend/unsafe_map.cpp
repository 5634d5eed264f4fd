// STUB (to be replaced): `unsafe`.
#include "backend/builtin_backends.h"

namespace mapstress {

BackendInfo UnsafeBackend() {
  BackendInfo info;
  info.name = "unsafe";
  info.description = "not implemented yet";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

}  // namespace mapstress
