/*
 * mapstress plugin ABI: how a shared library hands concurrent maps to mapstress.
 *
 * A plugin is a shared object exporting one C function, mapstress_backends(), which returns
 * a NULL-terminated array of backend descriptions. src/plugin/README.md walks through writing one;
 * src/plugin/examples/c_table/c_table_plugin.c is the template.
 *
 * Versioning: MAPSTRESS_PLUGIN_ABI is bumped whenever this interface changes. Fields are only
 * ever appended (never removed or reordered), and every mapstress that knows ABI N also
 * accepts backends built for any ABI from 1 to N. A backend built for a newer ABI than the
 * loading mapstress knows is rejected with a clear message.
 *  - ABI 1: mapstress_backends() and the mapstress_backend struct.
 *  - ABI 2: the optional export mapstress_set_host() (scheduling points, see its block
 *    below); the mapstress_backend struct is unchanged.
 *  Optional exports that any ABI version may add, each in its own block below:
 *  mapstress_plugin_build() (what built the library) and mapstress_batch_for() (many point
 *  ops per call).
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
#define MAPSTRESS_PLUGIN_ABI 2

/* Return non-zero to stop the iteration early. */
typedef int (*mapstress_visit_fn)(void *ctx, uint64_t key, uint64_t value);

/* One map implementation. All function pointers are required unless marked "may be NULL". */
typedef struct mapstress_backend {
  uint32_t abi;              /* MAPSTRESS_PLUGIN_ABI */
  const char *name;          /* [a-z0-9][a-z0-9._-]*, unique among loaded backends */
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

/* ---- Optional entry point: the plugin's build (works with every ABI version) -----------------
 * A plugin MAY also export this. It returns one line (at most 200 bytes, no newline) naming what
 * built the library, e.g. "go1.22.12 linux/amd64"; mapstress shows it in `list backends
 * --verbose` and in each report's context. Same lifetime rules as mapstress_backends(). */
MAPSTRESS_PLUGIN_EXPORT const char *mapstress_plugin_build(void);
/* ---- end of the optional build entry point --------------------------------------------------- */
/* ---- ABI 2: scheduling points inside a map (optional) ----------------------------------
 * A map may tell mapstress where its race windows are: between two stores another thread
 * can see apart, between a check and the act that relies on it. At such a point it calls
 * host->yield_point(host->ctx, site), and mapstress applies its schedule noise there (--noise:
 * nothing, a short spin, a yield), so a reader is more likely to land inside the window.
 * `site` is any small number naming the point (for the plugin's own bookkeeping).
 *
 * To opt in, export mapstress_set_host(). mapstress calls it once, right after loading the
 * library and before mapstress_backends() or any create(); the host struct stays valid while
 * the library is loaded. yield_point() may be called from any thread inside store, erase,
 * load or iterate (outside a mapstress worker it does nothing), takes no lock, never blocks
 * for long, and is cheap when noise is off. Plugins that do not export it work as before. */
typedef struct mapstress_host {
  uint32_t abi;  /* the loading mapstress's MAPSTRESS_PLUGIN_ABI (>= 2) */
  void *ctx;     /* pass back to yield_point */
  void (*yield_point)(void *ctx, uint32_t site);
} mapstress_host;

MAPSTRESS_PLUGIN_EXPORT void mapstress_set_host(const mapstress_host *host);
/* ---- end of ABI 2 scheduling points ---------------------------------------------------- */
/* ---- Optional entry point: batches of point ops (works with every ABI version) -----------
 * A call into some plugins costs more than the op it makes (a cgo call into Go: about 140 ns
 * with go1.23, microseconds with older toolchains). Such a plugin MAY export
 * mapstress_batch_for(). For a backend of its own list it returns a function that runs `count`
 * point ops on one map, or NULL when that backend has none (then mapstress calls store, erase
 * and load one by one, as for every plugin that does not export this).
 *
 * A batch function runs ops[0], ops[1], ... in order, on the calling thread, each exactly as
 * the matching store(), erase() or load() would, and returns when the last one is done. It is
 * called from the same threads, with the same rules, as those functions (thread_attach() ran
 * first; never during create() or destroy(); never from inside iterate()). count is 1 to 4096.
 * mapstress records every op of a batch with the batch's interval: a fenced clock read before
 * the call and one after it return (src/engine/README.md, "Batched calls"), so a batch must
 * not defer an op's effect past its return. Same lifetime rules as mapstress_backends(). */
#define MAPSTRESS_OP_STORE 0u  /* in: key, value */
#define MAPSTRESS_OP_ERASE 1u  /* in: key; out: result = 1 if it removed the key */
#define MAPSTRESS_OP_LOAD 2u   /* in: key; out: result = 1 and value if found, result = 0 if not */

typedef struct mapstress_op {
  uint64_t key;
  uint64_t value;   /* in (store) or out (load, when found) */
  uint32_t kind;    /* MAPSTRESS_OP_* */
  uint32_t result;  /* out: erase and load, see above; store leaves it alone */
} mapstress_op;

typedef void (*mapstress_batch_fn)(void *map, mapstress_op *ops, uint32_t count);

MAPSTRESS_PLUGIN_EXPORT mapstress_batch_fn mapstress_batch_for(const mapstress_backend *backend);
/* ---- end of the optional batch entry point ---------------------------------------------- */
/* clang-format on */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MAPSTRESS_PLUGIN_H_ */
