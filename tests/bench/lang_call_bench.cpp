// Per-op call cost of a language plugin: the same single-threaded store/load loop (1024 keys,
// alternating put and get) run (a) through the plugin ABI, as mapstress's workers call it, and
// (b) inside the host language, through the plugin's optional `<prefix>_native_loop(map, ops)`
// export (mapstress_java_native_loop, mapstress_rust_native_loop). Prints both rates and their ratio.
//   lang_call_bench PLUGIN.so BACKEND [OPS]
#include <dlfcn.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "mapstress/plugin.h"

namespace {

uint64_t AbiLoop(const mapstress_backend* b, void* map, uint64_t ops) {
  uint64_t found = 0;
  for (uint64_t i = 0; i < ops; ++i) {
    uint64_t key = (i * 0x9E3779B97F4A7C15ull) >> 54;  // 1024 keys, as in the native loops
    if ((i & 1) == 0) {
      b->store(map, key, i);
    } else {
      uint64_t value;
      found += static_cast<uint64_t>(b->load(map, key, &value));
    }
  }
  return found;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PLUGIN.so BACKEND [OPS]\n", argv[0]);
    return 2;
  }
  uint64_t ops = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2000000;
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    std::fprintf(stderr, "%s\n", dlerror());
    return 2;
  }
  auto list = reinterpret_cast<const mapstress_backend* const* (*)()>(dlsym(lib, "mapstress_backends"))();
  const mapstress_backend* b = nullptr;
  for (int i = 0; list[i] != nullptr; ++i) {
    if (std::strcmp(list[i]->name, argv[2]) == 0) b = list[i];
  }
  if (b == nullptr) {
    std::fprintf(stderr, "no backend %s in %s\n", argv[2], argv[1]);
    return 2;
  }
  using NativeLoop = uint64_t (*)(void*, uint64_t);
  NativeLoop native = nullptr;
  for (const char* symbol : {"mapstress_java_native_loop", "mapstress_rust_native_loop"}) {
    if (native == nullptr) native = reinterpret_cast<NativeLoop>(dlsym(lib, symbol));
  }
  void* map = b->create(1024);
  if (map == nullptr) return 1;
  if (b->thread_attach != nullptr) b->thread_attach(map);
  // Warm-up (JIT compilation for Java), then each loop timed once, in the same process.
  AbiLoop(b, map, ops / 4);
  if (native != nullptr) native(map, ops / 4);
  auto t0 = std::chrono::steady_clock::now();
  uint64_t found_abi = AbiLoop(b, map, ops);
  double abi_s = Seconds(t0);
  std::printf("%s: %llu ops through the plugin ABI: %.1f ns/op (%.2f M ops/s)\n", b->name,
              static_cast<unsigned long long>(ops), abi_s * 1e9 / ops, ops / abi_s / 1e6);
  if (native != nullptr) {
    t0 = std::chrono::steady_clock::now();
    uint64_t found_native = native(map, ops);
    double native_s = Seconds(t0);
    std::printf("%s: the same loop in the host language: %.1f ns/op (%.2f M ops/s); ABI/native rate = %.2f\n", b->name,
                native_s * 1e9 / ops, ops / native_s / 1e6, native_s / abi_s);
    if (found_native != found_abi)
      std::printf("(loads found %llu vs %llu)\n", static_cast<unsigned long long>(found_abi),
                  static_cast<unsigned long long>(found_native));
  } else {
    std::printf("%s: the plugin exports no native loop\n", b->name);
  }
  if (b->thread_detach != nullptr) b->thread_detach(map);
  b->destroy(map);
  return 0;
}
