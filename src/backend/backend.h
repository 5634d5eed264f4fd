// The interface every map under test implements, and the metadata it declares.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/contract.h"
#include "core/guarantee.h"
#include "core/workload_traits.h"

namespace mapstress {

// Called for each visited entry; return true to stop the iteration early.
// A plain function pointer + context, so it maps 1:1 onto the C plugin ABI.
struct Visitor {
  bool (*fn)(void* ctx, uint64_t key, uint64_t value) = nullptr;
  void* ctx = nullptr;
  bool operator()(uint64_t key, uint64_t value) const { return fn(ctx, key, value); }
};

// One map instance (one per trial). All methods may be called from many threads at
// once, except where BackendInfo says a combination is undefined behaviour.
class Map {
 public:
  virtual ~Map() = default;
  virtual void Store(uint64_t key, uint64_t value) = 0;  // insert or overwrite
  virtual bool Erase(uint64_t key) = 0;                  // true if it removed the key
  virtual bool Load(uint64_t key, uint64_t* value) = 0;  // true (and *value) if found
  virtual void Iterate(const Visitor& visit) = 0;        // every entry, key and value
  virtual void AttachThread() {}                         // on each worker thread before its first op
  virtual void DetachThread() {}                         // on each worker thread after its last op
  // Facts worth reporting, asked once after a trial's threads stopped (e.g. "encoding: listpack").
  virtual std::string Notes() { return ""; }
};

struct BackendOptions {
  uint64_t capacity_hint = 0;          // expected number of keys
  uint32_t shards = 16;                // for striped backends
  std::string redis_url = "auto";      // redis backends: "auto" (private server), unix:/path, tcp://host:port
  bool redis_force_hashtable = false;  // private server: --hash-max-listpack-entries 0
};

struct BackendInfo {
  std::string name;         // [a-z0-9_-]+
  std::string description;  // one line
  Guarantee guarantee = Guarantee::kWeak;
  std::string promise;                     // the promise in words, with its source (doc, header, man page)
  std::string concurrency;                 // which ops may overlap iteration, e.g. "erase during iteration is UB"
  std::optional<ContractProfile> profile;  // how each anomaly is graded; unset: ProfileFor(guarantee)
  bool always_isolate = false;             // run each case in a forked child (unsafe by design)
  bool in_default_set = false;             // part of the default comparison
  bool testing_only = false;               // deliberately faulty; hidden from `all` and the default set
  std::function<std::unique_ptr<Map>(const BackendOptions&)> create;
  // Empty when the backend can run a scenario with these traits; otherwise why not (reported `unsupported`).
  std::function<std::string(const WorkloadTraits&)> unsupported_reason;

  ContractProfile Profile() const { return profile ? *profile : ProfileFor(guarantee); }
};

}  // namespace mapstress
