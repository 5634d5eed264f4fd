#include "plugin/plugin_loader.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "backend/yield_point.h"
#include "core/history.h"
#include "go_plugin_list.h"
#include "mapstress/plugin.h"

namespace mapstress {
namespace {

const std::string kCTable = MAPSTRESS_C_TABLE_PLUGIN;
const std::string kGoPlugin = MAPSTRESS_GO_PLUGIN;  // "" when CMake found no Go toolchain

std::string BadPlugin(const std::string& kind) {
  return std::string(MAPSTRESS_BAD_PLUGIN_DIR) + "/libbad_plugin_" + kind + ".so";
}

std::string LoadError(const std::string& path, int timeout_ms = kPluginProbeTimeoutMs) {
  std::vector<BackendInfo> backends;
  std::string error;
  bool ok = LoadPlugin(path, &backends, &error, timeout_ms);
  EXPECT_EQ(ok, error.empty());
  EXPECT_TRUE(backends.empty()) << "a failed load must not add backends";
  return error;
}

std::vector<BackendInfo> LoadOrDie(const std::string& path) {
  std::vector<BackendInfo> backends;
  std::string error;
  EXPECT_TRUE(LoadPlugin(path, &backends, &error)) << error;
  return backends;
}

// Runs body in a forked child; its exit code is 0 when body returned "" (else the message is
// printed). Plugin maps are created there, as the engine's isolated children do.
std::string InChild(const std::function<std::string()>& body) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    std::string failure;
    try {
      failure = body();
    } catch (const std::exception& e) {
      failure = std::string("exception: ") + e.what();
    }
    if (!failure.empty()) fprintf(stderr, "child failure: %s\n", failure.c_str());
    fflush(stderr);
    _exit(failure.empty() ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return "child killed by signal " + std::to_string(WTERMSIG(status));
  if (WEXITSTATUS(status) != 0) return "child failed (see stderr), status " + std::to_string(WEXITSTATUS(status));
  return "";
}

std::vector<Entry> Collect(Map* map, size_t stop_after = 0) {
  struct Ctx {
    std::vector<Entry> seen;
    size_t stop_after;
  } ctx{{}, stop_after};
  Visitor visitor;
  visitor.ctx = &ctx;
  visitor.fn = [](void* c, uint64_t key, uint64_t value) {
    auto* ctx = static_cast<Ctx*>(c);
    ctx->seen.push_back(Entry{key, value});
    return ctx->stop_after != 0 && ctx->seen.size() >= ctx->stop_after;
  };
  map->Iterate(visitor);
  return ctx.seen;
}

// Single-threaded map semantics against a std::map model; "" when all agree.
// Random stores, erases and loads in calls of 1 to 40 ops through Map::RunBatch, against a
// std::map: each op sees the ones before it in the same call. "" when they agree.
std::string CheckBatchSemantics(const BackendInfo& backend) {
  std::unique_ptr<Map> map = backend.create(BackendOptions{});
  if (!map || !map->HasBatch()) return "no batch function";
  map->AttachThread();
  std::map<uint64_t, uint64_t> model;
  uint64_t x = 99;
  for (int call = 0; call < 300; ++call) {
    std::vector<BatchOp> ops(1 + call % 40);
    for (BatchOp& op : ops) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      op = BatchOp{(x >> 33) % 50, x, static_cast<uint32_t>((x >> 20) % 3), 7};
    }
    map->RunBatch(ops.data(), static_cast<uint32_t>(ops.size()));
    for (const BatchOp& op : ops) {
      const std::string where = "call " + std::to_string(call) + ", key " + std::to_string(op.key);
      if (op.kind == static_cast<uint32_t>(OpKind::kStore)) {
        model[op.key] = op.value;
      } else if (op.kind == static_cast<uint32_t>(OpKind::kErase)) {
        if (op.result != (model.erase(op.key) == 1 ? 1u : 0u)) return "erase result differs, " + where;
      } else {
        auto it = model.find(op.key);
        if (op.result != (it != model.end() ? 1u : 0u)) return "load result differs, " + where;
        if (op.result == 1 && op.value != it->second) return "load value differs, " + where;
      }
    }
  }
  std::vector<Entry> seen = Collect(map.get());
  map->DetachThread();
  if (seen.size() != model.size()) return "iteration saw " + std::to_string(seen.size()) + " entries";
  return "";
}

std::string CheckSequentialSemantics(const BackendInfo& backend) {
  BackendOptions options;
  options.capacity_hint = 8;  // small, so tables have to grow
  std::unique_ptr<Map> map = backend.create(options);
  if (!map) return "create returned null";
  map->AttachThread();
  std::map<uint64_t, uint64_t> model;
  uint64_t value = 0;
  if (map->Load(7, &value)) return "found a key in an empty map";
  if (map->Erase(7)) return "erased a key from an empty map";
  // Keys spread over the whole 64-bit range, including 0 and ~0 (no reserved values).
  const uint64_t kSpecial[] = {0, ~0ULL, 1ULL << 63};
  for (uint64_t k : kSpecial) {
    map->Store(k, k ^ 0x5555);
    model[k] = k ^ 0x5555;
  }
  uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    uint64_t key = (x >> 33) % 700;
    switch (i % 4) {
      case 0:
      case 1:
        map->Store(key, x);
        model[key] = x;
        break;
      case 2: {
        bool removed = map->Erase(key);
        if (removed != (model.erase(key) == 1)) return "erase result differs for key " + std::to_string(key);
        break;
      }
      case 3: {
        bool found = map->Load(key, &value);
        auto it = model.find(key);
        if (found != (it != model.end())) return "load found-flag differs for key " + std::to_string(key);
        if (found && value != it->second) return "load value differs for key " + std::to_string(key);
        break;
      }
    }
  }
  std::vector<Entry> seen = Collect(map.get());
  std::map<uint64_t, uint64_t> iterated;
  for (const Entry& e : seen) {
    if (!iterated.emplace(e.key, e.value).second) return "key visited twice: " + std::to_string(e.key);
  }
  if (iterated != model) {
    return "iteration saw " + std::to_string(iterated.size()) + " entries, model has " + std::to_string(model.size());
  }
  if (Collect(map.get(), 3).size() != 3) return "visit returning true did not stop the iteration";
  map->DetachThread();
  return "";
}

TEST(PluginLoaderTest, ListsTheCExampleBackend) {
  std::vector<BackendInfo> backends = LoadOrDie(kCTable);
  ASSERT_EQ(backends.size(), 1u);
  const BackendInfo& b = backends[0];
  EXPECT_EQ(b.name, "c-table");
  EXPECT_EQ(b.guarantee, Guarantee::kSnapshot);
  EXPECT_NE(b.description.find("mutex"), std::string::npos) << b.description;
  EXPECT_EQ(b.promise, "declared by plugin " + kCTable);
  EXPECT_TRUE(b.always_isolate);
  EXPECT_FALSE(b.in_default_set);
  EXPECT_EQ(b.build, "") << "the C example does not export mapstress_plugin_build()";
  EXPECT_FALSE(b.batch) << "nor mapstress_batch_for()";
  EXPECT_TRUE(static_cast<bool>(b.create));
}

TEST(PluginLoaderTest, CExampleHasMapSemanticsInProcess) {
  // The C plugin is safe to load in this process; the Go one is only used in children.
  std::vector<BackendInfo> backends = LoadOrDie(kCTable);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(CheckSequentialSemantics(backends[0]), "");
}

TEST(PluginLoaderTest, CExampleHasMapSemanticsInForkedChild) {
  std::vector<BackendInfo> backends = LoadOrDie(kCTable);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(InChild([&] { return CheckSequentialSemantics(backends[0]); }), "");
}

// Plugin ABI 1 keeps working: the C example exactly as it was, built against the ABI 1 header.
TEST(PluginLoaderTest, Abi1PluginStillLoadsAndPasses) {
  const std::string path = MAPSTRESS_C_TABLE_ABI1_PLUGIN;
  std::vector<BackendInfo> backends = LoadOrDie(path);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(backends[0].name, "c-table");
  EXPECT_FALSE(backends[0].batch) << "no mapstress_batch_for(): one call per op";
  EXPECT_EQ(InChild([&] { return CheckSequentialSemantics(backends[0]); }), "");
  EXPECT_EQ(InChild([&]() -> std::string {
              return backends[0].create(BackendOptions{})->HasBatch() ? "an ABI 1 map claims batches" : "";
            }),
            "");
}

// ABI 2: the C example's two marked points reach the engine's per-thread yield hook.
TEST(PluginLoaderTest, CExampleYieldPointsReachTheHost) {
  std::vector<BackendInfo> backends = LoadOrDie(kCTable);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(InChild([&]() -> std::string {
              static std::map<uint32_t, int> sites;
              t_yield_hook = YieldHook{[](void*, uint32_t site) { ++sites[site]; }, nullptr};
              std::unique_ptr<Map> map = backends[0].create(BackendOptions{});
              map->Store(1, 10);   // insert: site 1
              map->Store(1, 11);   // overwrite: no point
              map->Store(2, 20);   // insert: site 1
              Collect(map.get());  // two full slots: site 2 twice
              t_yield_hook = YieldHook{};
              if (sites != std::map<uint32_t, int>{{1, 2}, {2, 2}}) return "yield points not seen as marked";
              return "";
            }),
            "");
}

TEST(PluginLoaderTest, RelativePathIsNotSearchedInTheLibraryPath) {
  // dlopen("libx.so") would search LD_LIBRARY_PATH; a relative path must mean the cwd.
  std::filesystem::path plugin(kCTable);
  EXPECT_EQ(InChild([&]() -> std::string {
              if (chdir(plugin.parent_path().c_str()) != 0) return "chdir failed";
              std::string relative = plugin.filename().string();
              std::vector<BackendInfo> backends;
              std::string error;
              if (!LoadPlugin(relative, &backends, &error)) return error;
              if (backends.size() != 1 || backends[0].promise != "declared by plugin " + relative) {
                return "unexpected backends";
              }
              return CheckSequentialSemantics(backends[0]);
            }),
            "");
}

TEST(PluginLoaderTest, MissingFile) {
  std::string path = std::string(MAPSTRESS_BAD_PLUGIN_DIR) + "/no_such_plugin.so";
  EXPECT_EQ(LoadError(path), "plugin " + path + ": no such file");
}

TEST(PluginLoaderTest, TextFileIsNotASharedLibrary) {
  std::string path = std::string(MAPSTRESS_SOURCE_DIR) + "/tests/data/plugins/not_a_library.txt";
  std::string error = LoadError(path);
  std::string expected_start = "plugin " + path + ": not a shared library: ";
  EXPECT_EQ(error.substr(0, expected_start.size()), expected_start) << error;
  EXPECT_GT(error.size(), expected_start.size()) << "dlerror() text missing";
}

TEST(PluginLoaderTest, ElfThatCannotBeLoaded) {
  // An executable is ELF but not loadable with dlopen(): the message must not say "not a shared library".
  std::string path = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string error = LoadError(path);
  std::string expected_start = "plugin " + path + ": cannot be loaded: ";
  EXPECT_EQ(error.substr(0, expected_start.size()), expected_start) << error;
}

TEST(PluginLoaderTest, MissingEntryPoint) {
  std::string path = BadPlugin("no_symbol");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": does not export mapstress_backends()");
}

TEST(PluginLoaderTest, WrongAbi) {
  std::string path = BadPlugin("wrong_abi");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": backend 'x' was built for plugin ABI " +
                                 std::to_string(MAPSTRESS_PLUGIN_ABI + 1) + ", this mapstress supports ABI " +
                                 std::to_string(MAPSTRESS_PLUGIN_ABI));
}

TEST(PluginLoaderTest, NullRequiredFunction) {
  std::string path = BadPlugin("null_store");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": backend 'x': required function 'store' is NULL");
}

TEST(PluginLoaderTest, BuildLineOfTwoLines) {
  std::string path = BadPlugin("build");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": mapstress_plugin_build() must return one line of at most 200 bytes");
}

TEST(PluginLoaderTest, BadName) {
  std::string path = BadPlugin("name");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": backend name 'Bad Name' must match [a-z0-9][a-z0-9._-]*");
}

TEST(PluginLoaderTest, UnknownGuarantee) {
  std::string path = BadPlugin("guarantee");
  EXPECT_EQ(LoadError(path),
            "plugin " + path + ": backend 'x': unknown guarantee 'linearizable' (expected snapshot, weak or none)");
}

TEST(PluginLoaderTest, EmptyList) {
  std::string path = BadPlugin("empty");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": mapstress_backends() returned no backends");
}

TEST(PluginLoaderTest, DuplicateNameInsideOnePlugin) {
  std::string path = BadPlugin("duplicate");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": backend name 'dup' is already taken by another backend");
}

TEST(PluginLoaderTest, CrashWhileLoading) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizer's own SIGSEGV handler makes the probe exit (1 or 66) instead of dying by the signal.
  GTEST_SKIP() << "the probe's crash is reported by the sanitizer's handler";
#endif
  std::string path = BadPlugin("crash");
  EXPECT_EQ(LoadError(path), "plugin " + path + ": crashed while loading (SIGSEGV)");
}

TEST(PluginLoaderTest, HangWhileLoading) {
  std::string path = BadPlugin("hang");
  EXPECT_EQ(LoadError(path, 300), "plugin " + path +
                                      ": timed out after 0.3 s while loading (the plugin hung in its "
                                      "initialiser or in mapstress_backends())");
}

// A process listed by pid is gone when /proc has no entry for it or it is a zombie.
bool Running(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// The initialiser forks a grandchild that sleeps holding the probe's reply pipe: the probe still
// ends when its child exits (not after the timeout) and kills the grandchild with its group.
TEST(PluginLoaderTest, AGrandchildForkedAtLoadNeitherDelaysTheProbeNorSurvivesIt) {
  std::string pids = std::filesystem::temp_directory_path() / ("mapstress-probe-pids-" + std::to_string(getpid()));
  setenv("BAD_PLUGIN_PIDS", pids.c_str(), 1);
  std::vector<BackendInfo> backends;
  std::string error;
  auto start = std::chrono::steady_clock::now();
  bool ok = LoadPlugin(BadPlugin("fork_init"), &backends, &error, 8000);
  auto took = std::chrono::steady_clock::now() - start;
  unsetenv("BAD_PLUGIN_PIDS");
  EXPECT_TRUE(ok) << error;
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(backends[0].name, "dup");
  EXPECT_LT(took, std::chrono::seconds(4)) << "the probe waited for the grandchild's copy of its pipe";
  std::vector<pid_t> listed;
  std::ifstream in(pids);
  for (pid_t pid; in >> pid;) listed.push_back(pid);
  std::filesystem::remove(pids);
  ASSERT_EQ(listed.size(), 2u) << "the probe child and its grandchild write their pids";
  for (pid_t pid : listed) {
    for (int i = 0; i < 100 && Running(pid); ++i) usleep(10000);
    EXPECT_FALSE(Running(pid)) << "process " << pid << " outlived the probe";
    if (Running(pid)) kill(pid, SIGKILL);
  }
}

TEST(PluginLoaderTest, AddsBackendsToTheRegistry) {
  BackendRegistry registry = BackendRegistry::BuiltIn();
  size_t before = registry.All().size();
  EXPECT_EQ(AddPluginBackends(kCTable, &registry), "");
  ASSERT_EQ(registry.All().size(), before + 1);
  const BackendInfo* added = registry.Find("c-table");
  ASSERT_NE(added, nullptr);
  EXPECT_TRUE(added->always_isolate);
  EXPECT_EQ(registry.Expand("c-table"), std::vector<std::string>{"c-table"});
}

TEST(PluginLoaderTest, NameClashWithABuiltInLeavesTheRegistryUnchanged) {
  BackendRegistry registry = BackendRegistry::BuiltIn();
  size_t before = registry.All().size();
  std::string path = BadPlugin("builtin_clash");
  EXPECT_EQ(AddPluginBackends(path, &registry),
            "plugin " + path + ": backend name 'locked' is already taken by another backend");
  EXPECT_EQ(registry.All().size(), before);
}

TEST(PluginLoaderTest, SamePluginTwiceClashes) {
  BackendRegistry registry;
  ASSERT_EQ(AddPluginBackends(kCTable, &registry), "");
  EXPECT_EQ(AddPluginBackends(kCTable, &registry),
            "plugin " + kCTable + ": backend name 'c-table' is already taken by another backend");
  EXPECT_EQ(registry.All().size(), 1u);
}

TEST(PluginLoaderTest, ErrorsFromErrorPathsAreReportedByAddPluginBackends) {
  BackendRegistry registry;
  std::string path = BadPlugin("null_store");
  EXPECT_EQ(AddPluginBackends(path, &registry), "plugin " + path + ": backend 'x': required function 'store' is NULL");
  EXPECT_TRUE(registry.All().empty());
}

TEST(PluginLoaderTest, CreateFailsClearlyWhenThePluginDisappeared) {
  // Copy the plugin, probe the copy, delete it: create() (in a child) must throw, not crash.
  std::string copy = ::testing::TempDir() + "/mapstress_plugin_copy.so";
  std::filesystem::copy_file(kCTable, copy, std::filesystem::copy_options::overwrite_existing);
  std::vector<BackendInfo> backends = LoadOrDie(copy);
  std::filesystem::remove(copy);
  ASSERT_EQ(backends.size(), 1u);
  EXPECT_EQ(InChild([&]() -> std::string {
              try {
                backends[0].create(BackendOptions{});
              } catch (const std::runtime_error& e) {
                std::string expected = "plugin " + copy + ": no such file";
                return e.what() == expected ? "" : std::string("unexpected message: ") + e.what();
              }
              return "create() did not throw";
            }),
            "");
}

// "go1.22" from ".../libmapstress_go1.22.so".
std::string ToolchainOf(const std::string& plugin) {
  std::string file = std::filesystem::path(plugin).stem().string();  // libmapstress_go1.22
  return file.substr(file.find("go"));
}

TEST(PluginLoaderTest, EachGoToolchainListsThreeBackendsNamedAfterIt) {
  if (GoPluginList().empty()) GTEST_SKIP() << "Go plugins not built (no Go toolchain found by CMake)";
  EXPECT_EQ(GoPluginList().back(), kGoPlugin) << "MAPSTRESS_GO_PLUGIN is the newest toolchain's";
  for (const std::string& plugin : GoPluginList()) {
    std::string t = ToolchainOf(plugin);
    std::vector<BackendInfo> backends = LoadOrDie(plugin);
    std::map<std::string, Guarantee> listed;
    for (const auto& b : backends) {
      listed[b.name] = b.guarantee;
      EXPECT_TRUE(b.always_isolate) << b.name;
      // runtime.Version() of the toolchain that built it, e.g. "go1.22.12 linux/amd64".
      EXPECT_EQ(b.build.rfind(t + ".", 0), 0u) << plugin << ": " << b.build;
      EXPECT_NE(b.build.find(" linux/"), std::string::npos) << b.build;
      EXPECT_TRUE(b.batch) << b.name << ": package mapstress exports mapstress_batch_for()";
    }
    std::map<std::string, Guarantee> expected = {
        {t + "-syncmap", Guarantee::kWeak},
        {t + "-rwmutex-map", Guarantee::kSnapshot},
        {t + "-map", Guarantee::kNone},
    };
    EXPECT_EQ(listed, expected) << plugin;
    for (const auto& b : backends) {
      if (b.name == t + "-syncmap") {
        EXPECT_NE(b.description.find("Range"), std::string::npos) << b.description;
      }
    }
  }
}

TEST(PluginLoaderTest, GoBackendsOfEachToolchainHaveMapSemanticsInForkedChild) {
  if (GoPluginList().empty()) GTEST_SKIP() << "Go plugins not built (no Go toolchain found by CMake)";
  for (const std::string& plugin : GoPluginList()) {
    std::vector<BackendInfo> backends = LoadOrDie(plugin);
    ASSERT_EQ(backends.size(), 3u) << plugin;
    // One child per toolchain: one Go runtime per process, as in the engine's isolated cases.
    EXPECT_EQ(InChild([&]() -> std::string {
                for (const auto& b : backends) {
                  std::string failure = CheckSequentialSemantics(b);
                  if (failure.empty()) failure = CheckBatchSemantics(b);
                  if (!failure.empty()) return b.name + ": " + failure;
                }
                return "";
              }),
              "")
        << plugin;
  }
}

}  // namespace
}  // namespace mapstress
