// STUB (to be replaced): faulty backends.
#include "backend/builtin_backends.h"

namespace mapstress {

BackendInfo FaultySkipOnResizeBackend() {
  BackendInfo info;
  info.name = "faulty-skip-on-resize";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

BackendInfo FaultyLingeringEraseBackend() {
  BackendInfo info;
  info.name = "faulty-lingering-erase";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

BackendInfo FaultyOldVersionBackend() {
  BackendInfo info;
  info.name = "faulty-old-version";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

BackendInfo FaultyDoubleVisitBackend() {
  BackendInfo info;
  info.name = "faulty-double-visit";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

BackendInfo FaultyTornValueBackend() {
  BackendInfo info;
  info.name = "faulty-torn-value";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

BackendInfo FaultyCrashBackend() {
  BackendInfo info;
  info.name = "faulty-crash";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

BackendInfo FaultyHangBackend() {
  BackendInfo info;
  info.name = "faulty-hang";
  info.testing_only = true;
  info.create = [](const BackendOptions&) -> std::unique_ptr<Map> { return nullptr; };
  return info;
}

}  // namespace mapstress
