# Plugin backends (src/plugin/include/mapstress/plugin.h): the C example plugin, the Go plugins when a
# Go toolchain is found, and deliberately broken plugins for tests/plugin_loader_test.cpp.

set(MAPSTRESS_INCLUDE_DIR ${PROJECT_SOURCE_DIR}/src/plugin/include)
add_subdirectory(${PROJECT_SOURCE_DIR}/src/plugin/examples/c_table ${PROJECT_BINARY_DIR}/plugins/c_table)
install(TARGETS mapstress_c_table LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins)

# Go plugins: one c-shared library, built offline with its caches inside the build tree.
option(MAPSTRESS_BUILD_GO_PLUGINS "Build the Go plugins when a Go toolchain is found" ON)
set(MAPSTRESS_GO_PLUGIN "")
if(MAPSTRESS_BUILD_GO_PLUGINS)
  find_program(MAPSTRESS_GO_EXECUTABLE NAMES go
               PATHS /usr/lib/go-1.19/bin /usr/lib/go/bin /usr/local/go/bin)
endif()
if(MAPSTRESS_BUILD_GO_PLUGINS AND MAPSTRESS_GO_EXECUTABLE)
  execute_process(COMMAND ${MAPSTRESS_GO_EXECUTABLE} version OUTPUT_VARIABLE _mapstress_go_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  message(STATUS "Go plugins: building libgo_syncmap.so with ${_mapstress_go_version}")
  set(_go_dir ${PROJECT_SOURCE_DIR}/src/plugin/go)
  set(_go_out ${PROJECT_BINARY_DIR}/plugins/go)
  set(MAPSTRESS_GO_PLUGIN ${_go_out}/libgo_syncmap.so)
  file(GLOB _go_sources CONFIGURE_DEPENDS ${_go_dir}/*.go ${_go_dir}/*.c ${_go_dir}/go.mod)
  add_custom_command(
    OUTPUT ${MAPSTRESS_GO_PLUGIN}
    COMMAND ${CMAKE_COMMAND} -E env
            GOCACHE=${_go_out}/cache GOPATH=${_go_out}/gopath GOPROXY=off GOFLAGS=-mod=mod
            GO111MODULE=on CGO_ENABLED=1 CC=${CMAKE_C_COMPILER}
            ${MAPSTRESS_GO_EXECUTABLE} build -buildmode=c-shared -trimpath -o ${MAPSTRESS_GO_PLUGIN} .
    WORKING_DIRECTORY ${_go_dir}
    DEPENDS ${_go_sources} ${PROJECT_SOURCE_DIR}/src/plugin/include/mapstress/plugin.h
    COMMENT "Building Go plugin libgo_syncmap.so"
    VERBATIM)
  add_custom_target(mapstress_go_plugins ALL DEPENDS ${MAPSTRESS_GO_PLUGIN})
  install(FILES ${MAPSTRESS_GO_PLUGIN} DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins OPTIONAL)
else()
  message(STATUS "Go plugins: skipped (no Go toolchain found; install golang-1.19-go)")
endif()

# Broken plugins for the loader's tests, one defect each (tests/data/plugins/bad_plugin.c).
if(MAPSTRESS_BUILD_TESTS)
  set(MAPSTRESS_BAD_PLUGINS no_symbol wrong_abi null_store name guarantee empty duplicate
                            builtin_clash crash hang fork noisy)
  foreach(kind ${MAPSTRESS_BAD_PLUGINS})
    add_library(bad_plugin_${kind} MODULE EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tests/data/plugins/bad_plugin.c)
    string(TOUPPER ${kind} _define)
    target_compile_definitions(bad_plugin_${kind} PRIVATE BAD_${_define})
    target_include_directories(bad_plugin_${kind} PRIVATE ${MAPSTRESS_INCLUDE_DIR})
    set_target_properties(bad_plugin_${kind} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/plugins/bad C_STANDARD 11)
  endforeach()
endif()

# Tells the test program where the plugins are. Deferred to the end of the top-level
# CMakeLists.txt, because tests/ (and so mapstress_tests) is added after this file runs.
function(_mapstress_wire_plugin_tests)
  if(TARGET plugin_call_bench)
    target_compile_definitions(plugin_call_bench PRIVATE
      MAPSTRESS_C_TABLE_PLUGIN="$<TARGET_FILE:mapstress_c_table>"
      MAPSTRESS_GO_PLUGIN="${MAPSTRESS_GO_PLUGIN}")
    add_dependencies(plugin_call_bench mapstress_c_table)
    if(TARGET mapstress_go_plugins)
      add_dependencies(plugin_call_bench mapstress_go_plugins)
    endif()
  endif()
  if(NOT TARGET mapstress_tests)
    return()
  endif()
  target_compile_definitions(mapstress_tests PRIVATE
    MAPSTRESS_C_TABLE_PLUGIN="$<TARGET_FILE:mapstress_c_table>"
    MAPSTRESS_BAD_PLUGIN_DIR="$<TARGET_FILE_DIR:bad_plugin_no_symbol>"
    MAPSTRESS_GO_PLUGIN="${MAPSTRESS_GO_PLUGIN}")
  add_dependencies(mapstress_tests mapstress_c_table)
  foreach(kind ${MAPSTRESS_BAD_PLUGINS})
    add_dependencies(mapstress_tests bad_plugin_${kind})
  endforeach()
  if(TARGET mapstress_go_plugins)
    add_dependencies(mapstress_tests mapstress_go_plugins)
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL _mapstress_wire_plugin_tests)
