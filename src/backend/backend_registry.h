// The explicit table of built-in backends plus any loaded from plugins.
#pragma once

#include <string>
#include <vector>

#include "backend/backend.h"

namespace mapstress {

class BackendRegistry {
 public:
  // Built-ins from the table in backend_registry.cpp (testing_only ones included).
  static BackendRegistry BuiltIn();

  // Returns an error message (empty on success) when the name is malformed or taken.
  std::string Add(BackendInfo info);
  const BackendInfo* Find(const std::string& name) const;
  const std::vector<BackendInfo>& All() const { return backends_; }
  std::vector<std::string> Names(bool include_testing) const;
  std::vector<std::string> DefaultSet() const;
  // "all" -> every non-testing backend; a shell pattern ("go*-syncmap") -> the non-testing
  // backends it matches, in registry order; any other name -> itself.
  std::vector<std::string> Expand(const std::string& name_or_all) const;
  static bool IsPattern(const std::string& name);  // has * ? or [

 private:
  std::vector<BackendInfo> backends_;
};

}  // namespace mapstress
