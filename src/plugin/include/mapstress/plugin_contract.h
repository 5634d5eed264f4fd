/*
 * Optional plugin entry point: each backend's documented contract, for `mapstress list backends
 * --verbose` and for grading. Works with every plugin ABI version (plugin.h); a plugin that does
 * not export it is graded by its `guarantee` alone and shown as "declared by plugin <path>".
 */
#ifndef MAPSTRESS_PLUGIN_CONTRACT_H_
#define MAPSTRESS_PLUGIN_CONTRACT_H_

#include "mapstress/plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* clang-format off */
typedef struct mapstress_contract {
  const char *promise;      /* what the map's documentation promises, quoted, with its source; one line */
  const char *concurrency;  /* which operations may overlap iteration; one line; may be NULL */
  const char *grades;       /* overrides of the guarantee's grades, "kind=GRADE" separated by spaces, e.g.
                               "duplicate=INTERESTING stale_read=INTERESTING"; kinds: missing phantom
                               duplicate stale_value unknown_value stale_read not_snapshot crashed hung;
                               grades: ACCEPTABLE INTERESTING FORBIDDEN; may be NULL or "" */
} mapstress_contract;

/* Returns the contract of the named backend (one of mapstress_backends()), or NULL for none.
 * Same lifetime rules as mapstress_backends(). */
MAPSTRESS_PLUGIN_EXPORT const mapstress_contract *mapstress_backend_contract(const char *backend_name);
/* clang-format on */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MAPSTRESS_PLUGIN_CONTRACT_H_ */
