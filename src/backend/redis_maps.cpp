// `redis-hscan` and `redis-hgetall`: one redis hash per map instance, one hiredis connection
// per worker thread. They differ only in how they iterate (an HSCAN cursor loop vs one HGETALL).
#ifdef MAPSTRESS_HAVE_HIREDIS

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "backend/builtin_backends.h"
#include "backend/redis_server.h"

namespace mapstress {
namespace {

// Passed on for a field or value that is not a decimal uint64: the engine never writes it,
// so the checker reports it (unknown_value) instead of us crashing or hiding it.
constexpr uint64_t kUnparsable = UINT64_MAX;
constexpr int kHscanCount = 100;
constexpr timeval kCommandTimeout{10, 0};  // a reply slower than this fails the trial

uint64_t ParseDecimal(const char* text, size_t len) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text, text + len, v);
  if (ec != std::errc() || end != text + len || len == 0) return kUnparsable;
  return v;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const {
    if (r != nullptr) freeReplyObject(r);
  }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

std::atomic<uint64_t> g_next_map_id{1};

// hiredis sends with write(2), so a server that died would kill the process with SIGPIPE.
// Worker threads block SIGPIPE for good (cheap; its pending signal dies with the thread); the
// main thread, whose mask the CLI relies on, blocks it only around each command and discards
// a SIGPIPE raised meanwhile.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    static thread_local bool blocked_for_good = false;
    if (blocked_for_good) return;
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    if (gettid() != getpid()) {
      pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
      blocked_for_good = true;
      return;
    }
    pthread_sigmask(SIG_BLOCK, &pipe, &old_);
    scoped_ = !sigismember(&old_, SIGPIPE);
    if (!scoped_) pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ~SigpipeGuard() {
    if (!scoped_) return;
    sigset_t pipe, pending;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE)) {
      timespec zero{0, 0};
      sigtimedwait(&pipe, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_{};
  bool scoped_ = false;
};

// This thread's connections, by map id (ids are never reused, so a stale entry never matches).
thread_local std::vector<std::pair<uint64_t, redisContext*>> t_connections;

class RedisMap final : public Map {
 public:
  enum class Mode : uint8_t { kHscan, kHgetall };

  // Throws std::runtime_error (main thread) when the server cannot be started or reached.
  RedisMap(Mode mode, const BackendOptions& options) : mode_(mode), id_(g_next_map_id.fetch_add(1)) {
    std::string error = ParseRedisUrl(options.redis_url, &endpoint_);
    if (!error.empty()) throw std::runtime_error(error);
    if (endpoint_.kind == RedisEndpoint::Kind::kAuto) {
      std::string socket;
      error = AcquirePrivateRedis(options.redis_force_hashtable, &socket);
      if (!error.empty()) throw std::runtime_error(error);
      endpoint_.kind = RedisEndpoint::Kind::kUnix;
      endpoint_.path = socket;
    } else if (options.redis_force_hashtable) {
      ignored_force_ = true;  // never reconfigure a server we do not own
    }
    key_ = "mapstress:" + std::to_string(getpid()) + ":" + std::to_string(id_);
    setup_ = Connect(&error);
    if (setup_ == nullptr) throw std::runtime_error(error);
    Reply reply(Command(setup_, "DEL %s", key_.c_str()));
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      std::string why = reply ? reply->str : setup_->errstr;
      redisFree(setup_);
      throw std::runtime_error("redis at " + endpoint_.ToString() + ": DEL failed: " + why);
    }
  }

  ~RedisMap() override {
    {
      std::lock_guard lock(setup_mu_);
      if (setup_ != nullptr && setup_->err == 0) Reply(Command(setup_, "DEL %s", key_.c_str()));
      if (setup_ != nullptr) redisFree(setup_);
    }
    for (redisContext* c : owned_) redisFree(c);
  }

  void Store(uint64_t key, uint64_t value) override {
    redisContext* c = ThreadConnection();
    if (c == nullptr) return;
    Reply reply(Command(c, "HSET %s %llu %llu", key_.c_str(), static_cast<unsigned long long>(key),
                        static_cast<unsigned long long>(value)));
    Expect(c, reply, REDIS_REPLY_INTEGER, "HSET");
  }

  bool Erase(uint64_t key) override {
    redisContext* c = ThreadConnection();
    if (c == nullptr) return false;
    Reply reply(Command(c, "HDEL %s %llu", key_.c_str(), static_cast<unsigned long long>(key)));
    return Expect(c, reply, REDIS_REPLY_INTEGER, "HDEL") && reply->integer > 0;
  }

  bool Load(uint64_t key, uint64_t* value) override {
    redisContext* c = ThreadConnection();
    if (c == nullptr) return false;
    Reply reply(Command(c, "HGET %s %llu", key_.c_str(), static_cast<unsigned long long>(key)));
    if (reply && reply->type == REDIS_REPLY_NIL) return false;
    if (!Expect(c, reply, REDIS_REPLY_STRING, "HGET")) return false;
    *value = ParseDecimal(reply->str, reply->len);
    return true;
  }

  void Iterate(const Visitor& visit) override {
    redisContext* c = ThreadConnection();
    if (c == nullptr) return;
    if (mode_ == Mode::kHgetall) {
      Reply reply(Command(c, "HGETALL %s", key_.c_str()));
      if (!Expect(c, reply, REDIS_REPLY_ARRAY, "HGETALL")) return;
      VisitPairs(reply.get(), visit);
      return;
    }
    std::string cursor = "0";
    uint64_t calls = 0;
    do {
      Reply reply(Command(c, "HSCAN %s %s COUNT %d", key_.c_str(), cursor.c_str(), kHscanCount));
      if (!Expect(c, reply, REDIS_REPLY_ARRAY, "HSCAN")) return;
      if (reply->elements != 2 || reply->element[0]->type != REDIS_REPLY_STRING ||
          reply->element[1]->type != REDIS_REPLY_ARRAY) {
        Fail("HSCAN: unexpected reply shape");
        return;
      }
      ++calls;
      cursor.assign(reply->element[0]->str, reply->element[0]->len);
      if (VisitPairs(reply->element[1], visit)) return;  // stopped early: not a full iteration
    } while (cursor != "0");
    hscan_iterations_.fetch_add(1, std::memory_order_relaxed);
    if (calls > 1) hscan_multi_call_.fetch_add(1, std::memory_order_relaxed);
    uint64_t seen = hscan_max_calls_.load(std::memory_order_relaxed);
    while (calls > seen && !hscan_max_calls_.compare_exchange_weak(seen, calls)) {
    }
  }

  void AttachThread() override { ThreadConnection(); }

  void DetachThread() override {
    auto it =
        std::find_if(t_connections.begin(), t_connections.end(), [this](const auto& p) { return p.first == id_; });
    if (it == t_connections.end()) return;
    redisContext* c = it->second;
    t_connections.erase(it);
    {
      std::lock_guard lock(owned_mu_);
      owned_.erase(std::find(owned_.begin(), owned_.end(), c));
    }
    redisFree(c);
  }

  // Called on the main thread after the workers stopped. A failed connection or command
  // throws: the engine then reports the case as `error` and never checks this history.
  std::string Notes() override {
    if (failed_.load()) {
      std::lock_guard lock(failure_mu_);
      throw std::runtime_error("redis at " + endpoint_.ToString() + ": " + failure_ +
                               " (the trial's history is incomplete and was not checked)");
    }
    std::string encoding;
    {
      std::lock_guard lock(setup_mu_);
      Reply reply(Command(setup_, "OBJECT ENCODING %s", key_.c_str()));
      if (reply && reply->type == REDIS_REPLY_STRING) encoding.assign(reply->str, reply->len);
      if (reply && reply->type == REDIS_REPLY_NIL) encoding = "none (the hash was empty at the end)";
    }
    std::string notes;
    const bool compact = encoding == "listpack" || encoding == "ziplist";
    const uint64_t iterations = hscan_iterations_.load(), multi = hscan_multi_call_.load();
    if (mode_ == Mode::kHscan && compact) {
      notes = "redis encoding: " + encoding +
              " — HSCAN returned everything in one call; use more fields or redis_force_hashtable";
    } else if (!encoding.empty()) {
      notes = "redis encoding: " + encoding;
    }
    if (mode_ == Mode::kHscan && iterations > 0) {
      notes += (notes.empty() ? "" : "; ") + std::string("HSCAN iterations needing more than one call: ") +
               std::to_string(multi) + " of " + std::to_string(iterations) + " (max " +
               std::to_string(hscan_max_calls_.load()) + " calls)";
      if (multi == 0 && !compact) notes += " — every iteration was a single call, i.e. a snapshot";
    }
    if (ignored_force_)
      notes += (notes.empty() ? "" : "; ") + std::string("redis_force_hashtable ignored (not a private server)");
    return notes;
  }

 private:
  template <typename... Args>
  static redisReply* Command(redisContext* c, const char* format, Args... args) {
    SigpipeGuard guard;
    return static_cast<redisReply*>(redisCommand(c, format, args...));
  }

  redisContext* Connect(std::string* error) {
    const timeval connect_timeout{kRedisConnectTimeout.count() / 1000, (kRedisConnectTimeout.count() % 1000) * 1000};
    redisContext* c = endpoint_.kind == RedisEndpoint::Kind::kTcp
                          ? redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, connect_timeout)
                          : redisConnectUnixWithTimeout(endpoint_.path.c_str(), connect_timeout);
    if (c == nullptr) {
      *error = "cannot allocate a redis connection";
      return nullptr;
    }
    if (c->err != 0) {
      *error = "cannot connect to redis at " + endpoint_.ToString() + ": " + c->errstr;
      redisFree(c);
      return nullptr;
    }
    redisSetTimeout(c, kCommandTimeout);
    return c;
  }

  // This thread's connection to this map's server; nullptr (and the map failed) when it
  // cannot connect, or once the map failed.
  redisContext* ThreadConnection() {
    if (failed_.load(std::memory_order_relaxed)) return nullptr;
    for (const auto& [id, c] : t_connections) {
      if (id == id_) return c;
    }
    std::string error;
    redisContext* c = Connect(&error);
    if (c == nullptr) {
      Fail(error);
      return nullptr;
    }
    t_connections.emplace_back(id_, c);
    std::lock_guard lock(owned_mu_);
    owned_.push_back(c);
    return c;
  }

  // True when the reply has the expected type; otherwise the map fails (ops become no-ops).
  bool Expect(redisContext* c, const Reply& reply, int type, const char* what) {
    if (reply && reply->type == type) return true;
    if (!reply) {
      Fail(std::string(what) + ": " + (c->errstr[0] != '\0' ? c->errstr : "no reply"));
    } else if (reply->type == REDIS_REPLY_ERROR) {
      Fail(std::string(what) + ": " + std::string(reply->str, reply->len));
    } else {
      Fail(std::string(what) + ": unexpected reply type " + std::to_string(reply->type));
    }
    return false;
  }

  void Fail(const std::string& why) {
    std::lock_guard lock(failure_mu_);
    if (failure_.empty()) failure_ = why;
    failed_.store(true);
  }

  // Visits field/value pairs of a flat array; true when the visitor asked to stop.
  static bool VisitPairs(const redisReply* array, const Visitor& visit) {
    for (size_t i = 0; i + 1 < array->elements; i += 2) {
      const redisReply* f = array->element[i];
      const redisReply* v = array->element[i + 1];
      uint64_t key = f->type == REDIS_REPLY_STRING ? ParseDecimal(f->str, f->len) : kUnparsable;
      uint64_t value = v->type == REDIS_REPLY_STRING ? ParseDecimal(v->str, v->len) : kUnparsable;
      if (visit(key, value)) return true;
    }
    return false;
  }

  const Mode mode_;
  const uint64_t id_;
  RedisEndpoint endpoint_;
  std::string key_;
  bool ignored_force_ = false;

  std::mutex setup_mu_;
  redisContext* setup_ = nullptr;  // main thread: create, Notes, destructor
  std::mutex owned_mu_;
  std::vector<redisContext*> owned_;  // every thread connection not yet detached

  std::atomic<bool> failed_{false};
  std::mutex failure_mu_;
  std::string failure_;  // the first failure

  std::atomic<uint64_t> hscan_iterations_{0};  // full HSCAN iterations
  std::atomic<uint64_t> hscan_multi_call_{0};  // ... that needed more than one call
  std::atomic<uint64_t> hscan_max_calls_{0};
};

// SCAN's guarantees (https://redis.io/docs/latest/commands/scan/, "Scan guarantees"): a full
// iteration returns every element present from its start to its end, never one that was not
// present at some point during it, and may return an element more than once.
ContractProfile HscanProfile() {
  ContractProfile p = ProfileFor(Guarantee::kWeak);
  p.Set(Anomaly::kDuplicate, Grade::kAcceptable);
  p.Set(Anomaly::kNotSnapshot, Grade::kAcceptable);
  p.Set(Anomaly::kMissing, Grade::kForbidden);
  p.Set(Anomaly::kPhantom, Grade::kForbidden);
  return p;
}

}  // namespace

BackendInfo RedisHscanBackend() {
  BackendInfo info;
  info.name = "redis-hscan";
  info.description = "one redis hash via hiredis; iteration is a full HSCAN cursor loop (COUNT 100)";
  info.guarantee = Guarantee::kWeak;
  info.promise =
      "weak, duplicates allowed: a full SCAN-family iteration returns every element present from its "
      "start to its end, never an element that was not present during it, and may return an element "
      "several times (https://redis.io/docs/latest/commands/scan/, \"Scan guarantees\")";
  info.concurrency = "all operations may overlap iteration (the server runs one command at a time)";
  info.profile = HscanProfile();
  info.create = [](const BackendOptions& o) { return std::make_unique<RedisMap>(RedisMap::Mode::kHscan, o); };
  return info;
}

BackendInfo RedisHgetallBackend() {
  BackendInfo info;
  info.name = "redis-hgetall";
  info.description = "one redis hash via hiredis; iteration is one HGETALL";
  info.guarantee = Guarantee::kSnapshot;
  info.promise =
      "snapshot: HGETALL returns all fields and values of the hash in one reply "
      "(https://redis.io/docs/latest/commands/hgetall/) and the server executes commands one at a "
      "time, so the reply is the hash at one instant";
  info.concurrency = "all operations may overlap iteration (the server runs one command at a time)";
  info.create = [](const BackendOptions& o) { return std::make_unique<RedisMap>(RedisMap::Mode::kHgetall, o); };
  return info;
}

}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_HIREDIS
