// STUB (to be replaced): `sharded`.
#include "backend/builtin_backends.h"

namespace mapstress {

BackendInfo ShardedBackend() {
  BackendInfo info;
  info.name = "sharded";
  info.description = "not implemented yet";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

}  // namespace mapstress
