// redis-hscan / redis-hgetall against a private redis-server, and the server management.
#ifdef MAPSTRESS_HAVE_HIREDIS

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backend/builtin_backends.h"
#include "backend/redis_server.h"

namespace mapstress {
namespace {

#define REQUIRE_REDIS_SERVER()                                                               \
  do {                                                                                       \
    if (FindOnPath("redis-server").empty()) GTEST_SKIP() << "redis-server is not installed"; \
  } while (0)

std::map<uint64_t, uint64_t> Collect(Map& map, uint64_t* visits = nullptr) {
  struct Ctx {
    std::map<uint64_t, uint64_t> seen;
    uint64_t visits = 0;
    bool conflict = false;
  } ctx;
  map.Iterate(Visitor{[](void* p, uint64_t k, uint64_t v) {
                        auto* c = static_cast<Ctx*>(p);
                        ++c->visits;
                        auto [it, fresh] = c->seen.emplace(k, v);
                        c->conflict |= !fresh && it->second != v;
                        return false;
                      },
                      &ctx});
  EXPECT_FALSE(ctx.conflict) << "one key visited with two values";
  if (visits != nullptr) *visits = ctx.visits;
  return ctx.seen;
}

std::unique_ptr<Map> Create(const BackendInfo& info, bool force_hashtable = false, std::string url = "auto") {
  BackendOptions options;
  options.redis_url = url;
  options.redis_force_hashtable = force_hashtable;
  return info.create(options);
}

TEST(RedisUrl, ParsesTheThreeForms) {
  RedisEndpoint e;
  EXPECT_EQ(ParseRedisUrl("auto", &e), "");
  EXPECT_EQ(e.kind, RedisEndpoint::Kind::kAuto);
  ASSERT_EQ(ParseRedisUrl("unix:/tmp/r.sock", &e), "");
  EXPECT_EQ(e.kind, RedisEndpoint::Kind::kUnix);
  EXPECT_EQ(e.path, "/tmp/r.sock");
  ASSERT_EQ(ParseRedisUrl("unix:///var/run/redis.sock", &e), "");
  EXPECT_EQ(e.path, "/var/run/redis.sock");
  ASSERT_EQ(ParseRedisUrl("tcp://db.example:6380", &e), "");
  EXPECT_EQ(e.kind, RedisEndpoint::Kind::kTcp);
  EXPECT_EQ(e.host, "db.example");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.ToString(), "tcp://db.example:6380");
  ASSERT_EQ(ParseRedisUrl("tcp://localhost", &e), "");
  EXPECT_EQ(e.port, 6379);
  ASSERT_EQ(ParseRedisUrl("tcp://[::1]:7000", &e), "");
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 7000);
  EXPECT_EQ(e.ToString(), "tcp://[::1]:7000");
}

TEST(RedisUrl, RejectsBadUrlsWithAReason) {
  RedisEndpoint e;
  for (const char* bad : {"redis://localhost:6379", "unix:relative.sock", "unix:", "tcp://", "tcp://:80", "tcp://h:0",
                          "tcp://h:65536", "tcp://h:abc", "tcp://h:", "tcp://[::1", "localhost"}) {
    std::string error = ParseRedisUrl(bad, &e);
    EXPECT_NE(error, "") << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
}

TEST(RedisBackend, MetadataFollowsTheScanGuarantees) {
  BackendInfo hscan = RedisHscanBackend();
  EXPECT_EQ(hscan.guarantee, Guarantee::kWeak);
  EXPECT_FALSE(hscan.in_default_set);
  ContractProfile p = hscan.Profile();
  EXPECT_EQ(p.Of(Anomaly::kDuplicate), Grade::kAcceptable);
  EXPECT_EQ(p.Of(Anomaly::kNotSnapshot), Grade::kAcceptable);
  EXPECT_EQ(p.Of(Anomaly::kMissing), Grade::kForbidden);
  EXPECT_EQ(p.Of(Anomaly::kPhantom), Grade::kForbidden);
  EXPECT_NE(hscan.promise.find("redis.io/docs/latest/commands/scan"), std::string::npos);
  BackendInfo hgetall = RedisHgetallBackend();
  EXPECT_EQ(hgetall.guarantee, Guarantee::kSnapshot);
  EXPECT_FALSE(hgetall.in_default_set);
}

class RedisBothBackends : public ::testing::TestWithParam<bool> {
 protected:
  BackendInfo Info() const { return GetParam() ? RedisHscanBackend() : RedisHgetallBackend(); }
};

TEST_P(RedisBothBackends, SequentialOpsMatchStdMap) {
  REQUIRE_REDIS_SERVER();
  auto map = Create(Info());
  map->AttachThread();
  std::map<uint64_t, uint64_t> model;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 3000; ++i) {
    uint64_t key = rng() % 150;
    uint64_t value = rng() >> 1;
    switch (rng() % 3) {
      case 0:
        map->Store(key, value);
        model[key] = value;
        break;
      case 1: ASSERT_EQ(map->Erase(key), model.erase(key) > 0) << "op " << i; break;
      default: {
        uint64_t got = 0;
        bool found = map->Load(key, &got);
        ASSERT_EQ(found, model.count(key) > 0) << "op " << i;
        if (found) {
          ASSERT_EQ(got, model[key]);
        }
      }
    }
    if (i % 500 == 0) {
      ASSERT_EQ(Collect(*map), model) << "op " << i;
    }
  }
  ASSERT_EQ(Collect(*map), model);
  map->DetachThread();
  EXPECT_NO_THROW(map->Notes());
}

TEST_P(RedisBothBackends, MapsDoNotShareData) {
  REQUIRE_REDIS_SERVER();
  auto a = Create(Info());
  auto b = Create(Info());
  a->Store(1, 10);
  b->Store(2, 20);
  EXPECT_EQ(Collect(*a), (std::map<uint64_t, uint64_t>{{1, 10}}));
  EXPECT_EQ(Collect(*b), (std::map<uint64_t, uint64_t>{{2, 20}}));
}

TEST_P(RedisBothBackends, ConcurrentSmoke) {
  REQUIRE_REDIS_SERVER();
  auto map = Create(Info(), /*force_hashtable=*/true);
  constexpr int kWriters = 3, kKeys = 300;
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      map->AttachThread();
      for (int round = 0; round < 3; ++round) {
        for (uint64_t k = w * kKeys; k < static_cast<uint64_t>((w + 1) * kKeys); ++k) map->Store(k, k + round + 1);
        for (uint64_t k = w * kKeys; k < static_cast<uint64_t>((w + 1) * kKeys); k += 2) map->Erase(k);
      }
      map->DetachThread();
    });
  }
  std::thread iterator([&] {
    map->AttachThread();
    while (!done.load()) Collect(*map);
    map->DetachThread();
  });
  for (auto& t : threads) t.join();
  done = true;
  iterator.join();
  std::map<uint64_t, uint64_t> expected;
  for (uint64_t k = 0; k < kWriters * kKeys; ++k) {
    if (k % 2 == 1) expected[k] = k + 3;
  }
  EXPECT_EQ(Collect(*map), expected);
  EXPECT_NO_THROW(map->Notes());
}

INSTANTIATE_TEST_SUITE_P(Redis, RedisBothBackends, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Hscan" : "Hgetall"; });

TEST(RedisHscan, ManyFieldsNeedManyCallsAndAllAreVisited) {
  REQUIRE_REDIS_SERVER();
  auto map = Create(RedisHscanBackend(), /*force_hashtable=*/true);
  std::map<uint64_t, uint64_t> model;
  for (uint64_t k = 0; k < 1500; ++k) {
    map->Store(k, k * 7 + 1);
    model[k] = k * 7 + 1;
  }
  uint64_t visits = 0;
  EXPECT_EQ(Collect(*map, &visits), model);
  EXPECT_GE(visits, model.size());
  std::string notes = map->Notes();
  EXPECT_NE(notes.find("redis encoding: hashtable"), std::string::npos) << notes;
  EXPECT_NE(notes.find("more than one call: 1 of 1"), std::string::npos) << notes;
}

TEST(RedisHscan, ListpackEncodingIsNoted) {
  REQUIRE_REDIS_SERVER();
  auto map = Create(RedisHscanBackend(), /*force_hashtable=*/false);
  for (uint64_t k = 0; k < 20; ++k) map->Store(k, k + 1);
  EXPECT_EQ(Collect(*map).size(), 20u);
  std::string notes = map->Notes();
  EXPECT_NE(notes.find("redis encoding: listpack"), std::string::npos) << notes;
  EXPECT_NE(notes.find("redis_force_hashtable"), std::string::npos) << notes;
  EXPECT_NE(notes.find("more than one call: 0 of 1"), std::string::npos) << notes;
}

TEST(RedisBackend, UnparsableValueIsPassedOnAsASentinel) {
  REQUIRE_REDIS_SERVER();
  RedisServer server;
  ASSERT_EQ(server.Start(false), "");
  auto map = Create(RedisHgetallBackend(), false, "unix:" + server.socket_path());
  map->Store(5, 6);
  // Overwrite the value behind the map's back with redis-cli (the server holds only this map's hash).
  std::string pattern = "mapstress:" + std::to_string(getpid()) + ":";
  std::string cli = FindOnPath("redis-cli");
  if (cli.empty()) GTEST_SKIP() << "redis-cli is not installed";
  std::string cmd = cli + " -s " + server.socket_path() + " --scan --pattern '" + pattern + "*' | xargs -I{} " + cli +
                    " -s " + server.socket_path() + " HSET {} 5 garbage >/dev/null";
  ASSERT_EQ(system(cmd.c_str()), 0);
  uint64_t value = 0;
  ASSERT_TRUE(map->Load(5, &value));
  EXPECT_EQ(value, UINT64_MAX);
  EXPECT_EQ(Collect(*map), (std::map<uint64_t, uint64_t>{{5, UINT64_MAX}}));
}

TEST(RedisBackend, UnreachableUrlFailsQuicklyWithAClearError) {
  for (const char* url : {"tcp://127.0.0.1:1", "unix:/nonexistent/mapstress-test.sock"}) {
    auto start = std::chrono::steady_clock::now();
    try {
      Create(RedisHscanBackend(), false, url);
      ADD_FAILURE() << "no error for " << url;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("cannot connect to redis at"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
  EXPECT_THROW(Create(RedisHscanBackend(), false, "redis://x"), std::runtime_error);
}

TEST(RedisBackend, ServerDeathMidTrialFailsTheTrialInNotes) {
  REQUIRE_REDIS_SERVER();
  RedisServer server;
  ASSERT_EQ(server.Start(false), "");
  auto map = Create(RedisHscanBackend(), false, "unix:" + server.socket_path());
  map->AttachThread();
  map->Store(1, 2);
  server.Stop();
  map->Store(3, 4);  // fails: no crash, no SIGPIPE, no throw
  uint64_t value = 0;
  EXPECT_FALSE(map->Load(1, &value));
  EXPECT_TRUE(Collect(*map).empty());
  map->DetachThread();
  EXPECT_THROW(map->Notes(), std::runtime_error);
}

TEST(RedisServer, MissingBinaryIsAClearError) {
  std::string saved = getenv("PATH") ? getenv("PATH") : "";
  std::string empty_dir = std::filesystem::temp_directory_path() / "mapstress-empty-path";
  std::filesystem::create_directories(empty_dir);
  setenv("PATH", empty_dir.c_str(), 1);
  RedisServer server;
  std::string error = server.Start(false);
  setenv("PATH", saved.c_str(), 1);
  std::filesystem::remove(empty_dir);
  EXPECT_NE(error.find("redis-server not found on PATH"), std::string::npos) << error;
  EXPECT_NE(error.find("--redis URL"), std::string::npos) << error;
  EXPECT_FALSE(server.running());
}

TEST(RedisServer, StopLeavesNoProcessAndNoTempDir) {
  REQUIRE_REDIS_SERVER();
  RedisServer server;
  ASSERT_EQ(server.Start(true), "");
  pid_t pid = server.pid();
  std::string dir = server.dir();
  ASSERT_GT(pid, 0);
  EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  EXPECT_EQ(kill(pid, 0), 0);
  server.Stop();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(kill(pid, 0), -1);  // reaped: gone
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(RedisServer, AForkedChildDoesNotStopItsParentsServer) {
  REQUIRE_REDIS_SERVER();
  RedisServer server;
  ASSERT_EQ(server.Start(false), "");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    server.Stop();
    _exit(0);
  }
  waitpid(child, nullptr, 0);
  EXPECT_EQ(kill(server.pid(), 0), 0);
  BackendOptions options;
  options.redis_url = "unix:" + server.socket_path();
  EXPECT_NO_THROW(RedisHgetallBackend().create(options));
}

}  // namespace
}  // namespace mapstress

#endif  // MAPSTRESS_HAVE_HIREDIS
