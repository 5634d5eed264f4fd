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

// One point op of a batch (Map::RunBatch); the layout of the plugin ABI's mapstress_op.
struct BatchOp {
  uint64_t key;
  uint64_t value;   // in: a store's value; out: a load's value when found
  uint32_t kind;    // OpKind: store, erase or load
  uint32_t result;  // out: erase removed the key / load found it (1), else 0
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
  // Maps that run many point ops per call (plugins exporting mapstress_batch_for) say so; the
  // engine then calls RunBatch: the ops in order on this thread, as if called one by one.
  virtual bool HasBatch() const { return false; }
  virtual void RunBatch(BatchOp* /*ops*/, uint32_t /*count*/) {}
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
  std::string name;         // [a-z0-9][a-z0-9._-]*, e.g. go1.22-syncmap
  std::string description;  // one line
  Guarantee guarantee = Guarantee::kWeak;
  std::string promise;                     // the promise in words, with its source (doc, header, man page)
  std::string concurrency;                 // which ops may overlap iteration, e.g. "erase during iteration is UB"
  std::optional<ContractProfile> profile;  // how each anomaly is graded; unset: ProfileFor(guarantee)
  std::string build;                       // plugins: what built the library ("go1.22.12 linux/amd64"), or ""
  bool batch = false;                      // plugins: its maps run point ops in batches (Map::HasBatch)
  bool always_isolate = false;             // run each case in a forked child (unsafe by design)
  bool in_default_set = false;             // part of the default comparison
  bool testing_only = false;               // deliberately faulty; hidden from `all` and the default set
  std::function<std::unique_ptr<Map>(const BackendOptions&)> create;
  // Empty when the backend can run a scenario with these traits; otherwise why not (reported `unsupported`).
  std::function<std::string(const WorkloadTraits&)> unsupported_reason;

  ContractProfile Profile() const { return profile ? *profile : ProfileFor(guarantee); }
};

}  // namespace mapstress
