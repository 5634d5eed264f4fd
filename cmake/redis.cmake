# Redis backends (src/backend/redis_maps.cpp, redis_server.cpp): hiredis via pkg-config. When
# found, MAPSTRESS_HAVE_HIREDIS=1 and the link go on mapstress_core; otherwise only a message.
# The tests also need a redis-server binary at run time (they skip without one).

# cmake/optional_backends.cmake may already have added hiredis: do not add it twice.
get_target_property(_mapstress_redis_defs mapstress_core INTERFACE_COMPILE_DEFINITIONS)
if(NOT "MAPSTRESS_HAVE_HIREDIS=1" IN_LIST _mapstress_redis_defs)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(MAPSTRESS_REDIS_HIREDIS QUIET IMPORTED_TARGET hiredis)
  endif()
  if(MAPSTRESS_REDIS_HIREDIS_FOUND)
    target_link_libraries(mapstress_core PUBLIC PkgConfig::MAPSTRESS_REDIS_HIREDIS)
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_HIREDIS=1)
    message(STATUS "Redis backends redis-hscan, redis-hgetall: built (hiredis ${MAPSTRESS_REDIS_HIREDIS_VERSION})")
  else()
    message(STATUS "Redis backends redis-*: skipped (pkg-config hiredis not found; install libhiredis-dev pkg-config)")
  endif()
endif()
