// `urcu-lfht`: liburcu's RCU lock-free resizable hash table (cds_lfht, memb flavour). Every op
// and a whole traversal run in one read-side critical section; removed or replaced nodes are
// freed through call_rcu. Compiled only when CMake found liburcu (pkg-config).
#ifdef MAPSTRESS_HAVE_URCU

// urcu-memb.h must come first: it selects the flavour rculfhash.h is used with.
#include <pthread.h>
#include <urcu/rculfhash.h>
#include <urcu/urcu-memb.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "backend/builtin_backends.h"
#include "core/mix_hash.h"

namespace mapstress {
namespace {

struct Node {
  cds_lfht_node ht_node;
  rcu_head rcu;
  uint64_t key;
  uint64_t value;  // never changed once published: an update replaces the node
};

Node* NodeOf(cds_lfht_node* n) { return reinterpret_cast<Node*>(reinterpret_cast<char*>(n) - offsetof(Node, ht_node)); }

unsigned long Hash(uint64_t key) { return static_cast<unsigned long>(MixHash(key)); }

int Match(cds_lfht_node* node, const void* key) { return NodeOf(node)->key == *static_cast<const uint64_t*>(key); }

void FreeNode(rcu_head* head) { delete reinterpret_cast<Node*>(reinterpret_cast<char*>(head) - offsetof(Node, rcu)); }

// RCU registration is per thread and process-wide; a depth count lets the map's constructor
// and destructor register the calling thread even when it is already registered.
thread_local int registration_depth = 0;

void RegisterThread() {
  if (registration_depth++ == 0) urcu_memb_register_thread();
}
void UnregisterThread() {
  if (--registration_depth == 0) urcu_memb_unregister_thread();
}

// call_rcu worker threads do not survive fork(); liburcu asks the application to run these
// hooks around fork (the engine forks to isolate cases).
void InstallForkHooks() {
  static std::once_flag once;
  std::call_once(once, [] {
    pthread_atfork(urcu_memb_call_rcu_before_fork, urcu_memb_call_rcu_after_fork_parent,
                   urcu_memb_call_rcu_after_fork_child);
  });
}

class ReadLock {
 public:
  ReadLock() { urcu_memb_read_lock(); }
  ~ReadLock() { urcu_memb_read_unlock(); }
  ReadLock(const ReadLock&) = delete;
  ReadLock& operator=(const ReadLock&) = delete;
};

class UrcuLfhtMap final : public Map {
 public:
  explicit UrcuLfhtMap(const BackendOptions& options) {
    InstallForkHooks();
    unsigned long init = 1;
    while (init < options.capacity_hint && init < (1UL << 20)) init <<= 1;
    ht_ = cds_lfht_new_flavor(init, 1, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, &urcu_memb_flavor, nullptr);
    if (ht_ == nullptr) throw std::runtime_error("cds_lfht_new_flavor failed");
  }

  ~UrcuLfhtMap() override {
    // No op runs any more: unlink every node, wait a grace period, free them; then destroy
    // the (now empty) table and drain pending call_rcu callbacks.
    RegisterThread();
    std::vector<Node*> nodes;
    {
      ReadLock lock;
      cds_lfht_iter iter;
      cds_lfht_node* n;
      cds_lfht_for_each(ht_, &iter, n) {
        if (cds_lfht_del(ht_, n) == 0) nodes.push_back(NodeOf(n));
      }
    }
    urcu_memb_synchronize_rcu();
    for (Node* node : nodes) delete node;
    cds_lfht_destroy(ht_, nullptr);
    urcu_memb_barrier();
    UnregisterThread();
  }

  void Store(uint64_t key, uint64_t value) override {
    Node* node = new Node;
    cds_lfht_node_init(&node->ht_node);
    node->key = key;
    node->value = value;
    ReadLock lock;
    cds_lfht_node* old = cds_lfht_add_replace(ht_, Hash(key), Match, &key, &node->ht_node);
    if (old != nullptr) urcu_memb_call_rcu(&NodeOf(old)->rcu, FreeNode);
  }

  bool Erase(uint64_t key) override {
    ReadLock lock;
    for (;;) {
      cds_lfht_iter iter;
      cds_lfht_lookup(ht_, Hash(key), Match, &key, &iter);
      cds_lfht_node* n = cds_lfht_iter_get_node(&iter);
      if (n == nullptr) return false;
      if (cds_lfht_del(ht_, n) == 0) {
        urcu_memb_call_rcu(&NodeOf(n)->rcu, FreeNode);
        return true;
      }
      // Someone replaced or removed that node since the lookup: look again.
    }
  }

  bool Load(uint64_t key, uint64_t* value) override {
    ReadLock lock;
    cds_lfht_iter iter;
    cds_lfht_lookup(ht_, Hash(key), Match, &key, &iter);
    cds_lfht_node* n = cds_lfht_iter_get_node(&iter);
    if (n == nullptr) return false;
    *value = NodeOf(n)->value;
    return true;
  }

  void Iterate(const Visitor& visit) override {
    ReadLock lock;  // one critical section for the whole traversal
    cds_lfht_iter iter;
    cds_lfht_node* n;
    cds_lfht_for_each(ht_, &iter, n) {
      const Node* node = NodeOf(n);
      if (visit(node->key, node->value)) return;
    }
  }

  void AttachThread() override { RegisterThread(); }
  void DetachThread() override { UnregisterThread(); }

 private:
  cds_lfht* ht_ = nullptr;
};

}  // namespace

BackendInfo UrcuLfhtBackend() {
  BackendInfo info;
  info.name = "urcu-lfht";
  info.description = "liburcu cds_lfht (memb flavour); traversal in one RCU read-side section, call_rcu frees";
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "liburcu 0.13 rculfhash.h: \"it is safe to perform element removal (del), replacement, or any hash "
      "table update operation during any of the following hash table traversals\"; cds_lfht_add_replace: "
      "\"if lookups and traversals are performed between a key unique insertion and its removal, we "
      "guarantee that the lookups and traversals will always find exactly one instance of the key if it is "
      "replaced concurrently with the lookups\"; src/rculfhash.c Ordering Guarantees: \"A.2) ... if there is "
      "ordering between a write and the first read of the traversal, then the \\\"read traversal\\\" is "
      "guaranteed to see the write or some later write\", \"C) ... if a write occurs during a \\\"read "
      "traversal\\\", the traversal may, or may not, see the write\", \"F) Uniqueness guarantee\": weak "
      "(keys present throughout are seen once, no snapshot)";
  info.concurrency =
      "all operations may overlap iteration; each thread must be a registered RCU reader (AttachThread) and "
      "freed nodes wait for a grace period (call_rcu)";
  info.create = [](const BackendOptions& o) { return std::make_unique<UrcuLfhtMap>(o); };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_URCU
