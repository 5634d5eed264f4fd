# Optional library backends (src/backend/{tbb_maps,cuckoo_map,urcu_lfht_map,cds_maps,ck_hs_map,boost_cfm_map}.cpp).
# Each library found adds MAPSTRESS_HAVE_<LIB>=1 and its link to mapstress_core; a missing one is
# only reported. The sources are wrapped in those #ifdefs. See src/backend/LIBRARIES.md.

option(MAPSTRESS_LIBRARY_BACKENDS "Build the concurrent-map library backends whose libraries are found" ON)

set(_mapstress_built "")
set(_mapstress_skipped "")

if(MAPSTRESS_LIBRARY_BACKENDS)
  find_package(PkgConfig QUIET)

  # oneTBB: its CMake config gives TBB::tbb.
  find_package(TBB QUIET CONFIG)
  if(TARGET TBB::tbb)
    target_link_libraries(mapstress_core PUBLIC TBB::tbb)
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_TBB=1)
    list(APPEND _mapstress_built tbb-hash tbb-hash-raw tbb-unordered)
  else()
    message(STATUS "Optional backends tbb-*: skipped (oneTBB not found; install libtbb-dev)")
    list(APPEND _mapstress_skipped tbb)
  endif()

  # libcuckoo: header-only, CMake config gives libcuckoo::libcuckoo.
  find_package(libcuckoo QUIET CONFIG)
  if(TARGET libcuckoo::libcuckoo)
    target_link_libraries(mapstress_core PUBLIC libcuckoo::libcuckoo)
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_LIBCUCKOO=1)
    list(APPEND _mapstress_built cuckoo)
  else()
    message(STATUS "Optional backend cuckoo: skipped (libcuckoo not found; install libcuckoo-dev)")
    list(APPEND _mapstress_skipped libcuckoo)
  endif()

  # liburcu: no CMake config; pkg-config (headers live in the multiarch include dir).
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(MAPSTRESS_URCU QUIET IMPORTED_TARGET liburcu-memb liburcu-cds)
  endif()
  if(MAPSTRESS_URCU_FOUND)
    target_link_libraries(mapstress_core PUBLIC PkgConfig::MAPSTRESS_URCU)
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_URCU=1)
    list(APPEND _mapstress_built urcu-lfht)
  else()
    message(STATUS "Optional backend urcu-lfht: skipped (pkg-config liburcu-memb liburcu-cds not found; "
                   "install liburcu-dev pkg-config)")
    list(APPEND _mapstress_skipped liburcu)
  endif()

  # libcds: Debian's LibCDSConfig.cmake points at a missing /usr/lib64 file and forces -std=c++11,
  # so find the library and headers directly.
  find_library(MAPSTRESS_CDS_LIBRARY NAMES cds)
  find_path(MAPSTRESS_CDS_INCLUDE_DIR NAMES cds/init.h)
  if(MAPSTRESS_CDS_LIBRARY AND MAPSTRESS_CDS_INCLUDE_DIR)
    target_include_directories(mapstress_core SYSTEM PUBLIC ${MAPSTRESS_CDS_INCLUDE_DIR})
    target_link_libraries(mapstress_core PUBLIC ${MAPSTRESS_CDS_LIBRARY})
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_LIBCDS=1)
    # FeldmanHashMap allocates an array node larger than its type and frees it with a sized
    # delete of the type's size: harmless, but ASan reports new-delete-type-mismatch. Unsized
    # deallocation avoids the report. Upstream builds libcds with -mcx16 (double-width CAS).
    set(_mapstress_cds_options -fno-sized-deallocation)
    if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
      list(APPEND _mapstress_cds_options -mcx16)
    endif()
    set_source_files_properties(${PROJECT_SOURCE_DIR}/src/backend/cds_maps.cpp PROPERTIES
                                COMPILE_OPTIONS "${_mapstress_cds_options}" SKIP_PRECOMPILE_HEADERS ON)
    list(APPEND _mapstress_built cds-feldman cds-splitlist)
  else()
    message(STATUS "Optional backends cds-*: skipped (libcds not found; install libcds-dev)")
    list(APPEND _mapstress_skipped libcds)
  endif()

  # Concurrency Kit: pkg-config only.
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(MAPSTRESS_CK QUIET IMPORTED_TARGET ck)
  endif()
  if(MAPSTRESS_CK_FOUND AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # ck_stack.h (via ck_epoch.h) converts void* implicitly, which C++ rejects; only GCC's
    # -fpermissive accepts it (silently, as it is a system header).
    message(STATUS "Optional backend ck-hs: skipped (ck's headers need GCC's -fpermissive in C++)")
    list(APPEND _mapstress_skipped ck)
  elseif(MAPSTRESS_CK_FOUND)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/src/backend/ck_hs_map.cpp PROPERTIES
                                COMPILE_OPTIONS -fpermissive SKIP_PRECOMPILE_HEADERS ON)
    target_link_libraries(mapstress_core PUBLIC PkgConfig::MAPSTRESS_CK)
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_CK=1)
    list(APPEND _mapstress_built ck-hs)
  else()
    message(STATUS "Optional backend ck-hs: skipped (pkg-config ck not found; install libck-dev pkg-config)")
    list(APPEND _mapstress_skipped ck)
  endif()

  # Boost.Unordered concurrent_flat_map (header-only, Boost >= 1.83; Debian 12: libboost1.83-dev
  # from bookworm-backports). Older Boosts have no concurrent_flat_map.hpp.
  find_package(Boost 1.83 QUIET CONFIG)
  if(Boost_FOUND AND TARGET Boost::headers AND EXISTS "${Boost_INCLUDE_DIRS}/boost/unordered/concurrent_flat_map.hpp")
    target_link_libraries(mapstress_core PUBLIC Boost::headers)
    target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_BOOST_CFM=1)
    list(APPEND _mapstress_built boost-cfm)
  else()
    message(STATUS "Optional backend boost-cfm: skipped (Boost >= 1.83 not found; install libboost1.83-dev "
                   "from bookworm-backports)")
    list(APPEND _mapstress_skipped boost)
  endif()

  # hiredis (redis backends): only once their source exists, since the registry refers to them.
  if(EXISTS ${PROJECT_SOURCE_DIR}/src/backend/redis_maps.cpp)
    if(PKG_CONFIG_FOUND)
      pkg_check_modules(MAPSTRESS_HIREDIS QUIET IMPORTED_TARGET hiredis)
    endif()
    if(MAPSTRESS_HIREDIS_FOUND)
      target_link_libraries(mapstress_core PUBLIC PkgConfig::MAPSTRESS_HIREDIS)
      target_compile_definitions(mapstress_core PUBLIC MAPSTRESS_HAVE_HIREDIS=1)
      list(APPEND _mapstress_built redis-hscan redis-hgetall)
    else()
      message(STATUS "Optional backends redis-*: skipped (pkg-config hiredis not found; install libhiredis-dev)")
      list(APPEND _mapstress_skipped hiredis)
    endif()
  endif()
else()
  set(_mapstress_skipped "all (MAPSTRESS_LIBRARY_BACKENDS=OFF)")
endif()

list(JOIN _mapstress_built " " _mapstress_built_text)
list(JOIN _mapstress_skipped " " _mapstress_skipped_text)
if(NOT _mapstress_built_text)
  set(_mapstress_built_text "none")
endif()
if(NOT _mapstress_skipped_text)
  set(_mapstress_skipped_text "none")
endif()
message(STATUS "Optional backends: built: ${_mapstress_built_text}; missing libraries: ${_mapstress_skipped_text}")
