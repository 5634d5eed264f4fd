// mapstress C++ plugin adapter (header-only, C++17 or later): turns a C++ map class into a
// backend of the C ABI in mapstress/plugin.h, with no hand-written trampolines.
//
//   #include <mapstress/plugin.hpp>
//   struct MyMap {
//     explicit MyMap(uint64_t capacity_hint);            // or a default constructor
//     void store(uint64_t key, uint64_t value);          // insert or overwrite
//     bool erase(uint64_t key);                          // true if it removed the key
//     std::optional<uint64_t> load(uint64_t key);        // or: bool load(uint64_t key, uint64_t& value)
//     template <class F> void for_each(F&& visit);       // visit(key, value) for every entry; it
//                                                        // returns true when mapstress asks to stop
//     void thread_attach(); void thread_detach();        // optional: per worker thread
//   };
//   MAPSTRESS_PLUGIN_BACKENDS(mapstress::plugin::Backend<MyMap>("my-map", "my striped map", "weak"))
//
// The threading rules of plugin.h apply to the class's members. A member that throws ends the
// case's process (std::terminate): mapstress reports the case as crashed.
#ifndef MAPSTRESS_PLUGIN_HPP_
#define MAPSTRESS_PLUGIN_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include "mapstress/plugin.h"

namespace mapstress::plugin {
namespace detail {

template <class T, class = void>
struct HasThreadAttach : std::false_type {};
template <class T>
struct HasThreadAttach<T, std::void_t<decltype(std::declval<T&>().thread_attach())>> : std::true_type {};

template <class T, class = void>
struct HasThreadDetach : std::false_type {};
template <class T>
struct HasThreadDetach<T, std::void_t<decltype(std::declval<T&>().thread_detach())>> : std::true_type {};

// load() returning std::optional<uint64_t> (or anything with has_value() and operator*).
template <class T, class = void>
struct LoadsOptional : std::false_type {};
template <class T>
struct LoadsOptional<T, std::void_t<decltype(std::declval<T&>().load(uint64_t{}).has_value())>> : std::true_type {};

template <class Map>
struct Trampolines {
  static Map& Of(void* map) { return *static_cast<Map*>(map); }

  static void* Create(uint64_t capacity_hint) noexcept {
    if constexpr (std::is_constructible_v<Map, uint64_t>) {
      return new Map(capacity_hint);
    } else {
      return new Map();
    }
  }
  static void Destroy(void* map) noexcept { delete static_cast<Map*>(map); }
  static void ThreadAttach(void* map) noexcept {
    if constexpr (HasThreadAttach<Map>::value) Of(map).thread_attach();
  }
  static void ThreadDetach(void* map) noexcept {
    if constexpr (HasThreadDetach<Map>::value) Of(map).thread_detach();
  }
  static void Store(void* map, uint64_t key, uint64_t value) noexcept { Of(map).store(key, value); }
  static int Erase(void* map, uint64_t key) noexcept { return Of(map).erase(key) ? 1 : 0; }
  static int Load(void* map, uint64_t key, uint64_t* value_out) noexcept {
    if constexpr (LoadsOptional<Map>::value) {
      auto found = Of(map).load(key);
      if (!found.has_value()) return 0;
      *value_out = static_cast<uint64_t>(*found);
      return 1;
    } else {
      uint64_t value = 0;
      if (!Of(map).load(key, value)) return 0;
      *value_out = value;
      return 1;
    }
  }
  static void Iterate(void* map, mapstress_visit_fn visit, void* ctx) noexcept {
    bool stop = false;
    Of(map).for_each([&](uint64_t key, uint64_t value) {
      if (!stop) stop = visit(ctx, key, value) != 0;
      return stop;
    });
  }
};

}  // namespace detail

// The C description of backend `name` implemented by `Map`; `guarantee` is "snapshot", "weak" or
// "none" (what for_each promises while writers run). The strings must outlive the library
// (string literals do).
template <class Map>
constexpr mapstress_backend Backend(const char* name, const char* description, const char* guarantee) {
  using T = detail::Trampolines<Map>;
  mapstress_backend b{};
  b.abi = MAPSTRESS_PLUGIN_ABI;
  b.name = name;
  b.description = description;
  b.guarantee = guarantee;
  b.create = &T::Create;
  b.destroy = &T::Destroy;
  b.thread_attach = detail::HasThreadAttach<Map>::value ? &T::ThreadAttach : nullptr;
  b.thread_detach = detail::HasThreadDetach<Map>::value ? &T::ThreadDetach : nullptr;
  b.store = &T::Store;
  b.erase = &T::Erase;
  b.load = &T::Load;
  b.iterate = &T::Iterate;
  return b;
}

// The NULL-terminated list mapstress_backends() returns.
template <size_t N>
constexpr std::array<const mapstress_backend*, N + 1> NullTerminated(const mapstress_backend (&backends)[N]) {
  std::array<const mapstress_backend*, N + 1> list{};
  for (size_t i = 0; i < N; ++i) list[i] = &backends[i];
  list[N] = nullptr;
  return list;
}

}  // namespace mapstress::plugin

// Defines the plugin's entry point from one or more mapstress::plugin::Backend<...>(...) values.
#define MAPSTRESS_PLUGIN_BACKENDS(...)                                                          \
  extern "C" MAPSTRESS_PLUGIN_EXPORT const mapstress_backend* const* mapstress_backends(void) { \
    static const mapstress_backend kMapstressBackends[] = {__VA_ARGS__};                        \
    static const auto kMapstressList = ::mapstress::plugin::NullTerminated(kMapstressBackends); \
    return kMapstressList.data();                                                               \
  }

#endif  // MAPSTRESS_PLUGIN_HPP_
