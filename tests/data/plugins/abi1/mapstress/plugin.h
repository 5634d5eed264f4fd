/*
 * mapstress plugin ABI: how a shared library hands concurrent maps to mapstress.
 *
 * A plugin is a shared object exporting one C function, mapstress_backends(), which returns
 * a NULL-terminated array of backend descriptions. src/plugin/README.md walks through writing one;
 * src/plugin/examples/c_table/c_table_plugin.c is the template.
 *
 * Versioning: MAPSTRESS_PLUGIN_ABI is bumped whenever this struct changes. Fields are only
 * ever appended (never removed or reordered), and every mapstress that knows ABI N also
 * accepts backends built for any ABI from 1 to N. A backend built for a newer ABI than the
 * loading mapstress knows is rejected with a clear message.
 *
 * Threading rules (what mapstress does, so what a plugin must tolerate):
 *  - mapstress never loads a plugin in its main process: it dlopen()s it in short-lived
 *    forked children (one to read the metadata, one per test case), so library constructors
 *    and global state must not assume a long life or a particular process.
 *  - create() and destroy() are called from one thread, with no other call in flight.
 *  - store, erase, load and iterate are called from many threads at once on one map. Which
 *    combinations are safe is the plugin's business; `guarantee` states what iteration
 *    promises while writers run. mapstress checks that promise and reports every proven
 *    violation, and survives crashes and hangs (the case is reported as crashed or hung).
 *  - thread_attach() runs on each worker thread before its first operation on the map and
 *    thread_detach() after its last one (e.g. to register with an RCU or epoch scheme).
 *  - visit() may be called only from inside iterate(), on the thread that called iterate().
 *    When it returns non-zero, iterate() should return as soon as it can without visiting
 *    further entries.
 *  - Keys and values are arbitrary 64-bit integers; no value is reserved.
 */
#ifndef MAPSTRESS_PLUGIN_H_
#define MAPSTRESS_PLUGIN_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI block is kept exactly as documented, so the formatter leaves it alone. */
/* clang-format off */
/* The ABI version this header describes; put it in mapstress_backend.abi. */
#define MAPSTRESS_PLUGIN_ABI 1

/* Return non-zero to stop the iteration early. */
typedef int (*mapstress_visit_fn)(void *ctx, uint64_t key, uint64_t value);

/* One map implementation. All function pointers are required unless marked "may be NULL". */
typedef struct mapstress_backend {
  uint32_t abi;              /* MAPSTRESS_PLUGIN_ABI */
  const char *name;          /* [a-z0-9_-]+, unique among loaded backends */
  const char *description;   /* one line */
  const char *guarantee;     /* "snapshot" | "weak" | "none": what iteration promises */
  void *(*create)(uint64_t capacity_hint);
  void (*destroy)(void *map);
  void (*thread_attach)(void *map);   /* may be NULL; on each worker thread before its first op */
  void (*thread_detach)(void *map);   /* may be NULL; after its last op */
  void (*store)(void *map, uint64_t key, uint64_t value);          /* insert or overwrite */
  int (*erase)(void *map, uint64_t key);                           /* 1 if it removed the key */
  int (*load)(void *map, uint64_t key, uint64_t *value_out);       /* 1 if found */
  void (*iterate)(void *map, mapstress_visit_fn visit, void *ctx); /* visit every entry */
} mapstress_backend;

/* Keeps the entry point visible when a plugin is compiled with -fvisibility=hidden. */
#if defined(__GNUC__)
#define MAPSTRESS_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define MAPSTRESS_PLUGIN_EXPORT
#endif

/* A plugin exports this; it returns a NULL-terminated array of backends. The array and the
 * structs it points to must stay valid as long as the library is loaded (mapstress never
 * unloads it). It may be called more than once and must return the same list each time. */
MAPSTRESS_PLUGIN_EXPORT const mapstress_backend *const *mapstress_backends(void);
/* clang-format on */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MAPSTRESS_PLUGIN_H_ */
