// STUB (to be replaced): `syncmap`.
#include "backend/builtin_backends.h"

namespace mapstress {

BackendInfo SyncMapBackend() {
  BackendInfo info;
  info.name = "syncmap";
  info.description = "not implemented yet";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

}  // namespace mapstress
