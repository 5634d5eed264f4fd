# Plugin backends (src/plugin/include/mapstress/plugin.h): the C example plugin, the Go plugins (one
# per Go toolchain found, src/plugin/go/go_plugins.cmake), and broken plugins for tests/plugin_loader_test.cpp.

set(MAPSTRESS_INCLUDE_DIR ${PROJECT_SOURCE_DIR}/src/plugin/include)
add_subdirectory(${PROJECT_SOURCE_DIR}/src/plugin/examples/c_table ${PROJECT_BINARY_DIR}/plugins/c_table)
install(TARGETS mapstress_c_table LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins)

include(${PROJECT_SOURCE_DIR}/src/plugin/go/go_plugins.cmake)

include(${PROJECT_SOURCE_DIR}/src/plugin/rust/rust_plugin.cmake)
include(${PROJECT_SOURCE_DIR}/src/plugin/java/java_plugin.cmake)

# Broken plugins for the loader's tests, one defect each (tests/data/plugins/bad_plugin.c).
if(MAPSTRESS_BUILD_TESTS)
  set(MAPSTRESS_BAD_PLUGINS no_symbol wrong_abi null_store name guarantee empty duplicate
                            builtin_clash crash hang build fork fork_init noisy)
  foreach(kind ${MAPSTRESS_BAD_PLUGINS})
    add_library(bad_plugin_${kind} MODULE EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tests/data/plugins/bad_plugin.c)
    string(TOUPPER ${kind} _define)
    target_compile_definitions(bad_plugin_${kind} PRIVATE BAD_${_define})
    target_include_directories(bad_plugin_${kind} PRIVATE ${MAPSTRESS_INCLUDE_DIR})
    set_target_properties(bad_plugin_${kind} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/plugins/bad C_STANDARD 11)
  endforeach()
endif()

# The C example exactly as it was at plugin ABI 1, built against the ABI 1 header: plugins
# built for ABI 1 must keep loading and passing (tests/plugin_loader_test.cpp).
if(MAPSTRESS_BUILD_TESTS)
  add_library(c_table_abi1 MODULE EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/tests/data/plugins/abi1/c_table_plugin.c)
  target_include_directories(c_table_abi1 PRIVATE ${PROJECT_SOURCE_DIR}/tests/data/plugins/abi1)
  target_link_libraries(c_table_abi1 PRIVATE Threads::Threads)
  set_target_properties(c_table_abi1 PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/plugins/abi1
                                                C_STANDARD 11 C_VISIBILITY_PRESET hidden)
endif()

# Tells the test program where the plugins are. Deferred to the end of the top-level
# CMakeLists.txt, because tests/ (and so mapstress_tests) is added after this file runs.
function(_mapstress_wire_plugin_tests)
  list(JOIN MAPSTRESS_GO_PLUGINS ":" _go_plugin_list)  # one string for the C++ side
  if(TARGET plugin_call_bench)
    target_compile_definitions(plugin_call_bench PRIVATE
      MAPSTRESS_C_TABLE_PLUGIN="$<TARGET_FILE:mapstress_c_table>"
      MAPSTRESS_GO_PLUGIN="${MAPSTRESS_GO_PLUGIN}" MAPSTRESS_GO_PLUGINS="${_go_plugin_list}")
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
    MAPSTRESS_C_TABLE_ABI1_PLUGIN="$<TARGET_FILE:c_table_abi1>"
    MAPSTRESS_GO_PLUGIN="${MAPSTRESS_GO_PLUGIN}" MAPSTRESS_GO_PLUGINS="${_go_plugin_list}")
  add_dependencies(mapstress_tests mapstress_c_table c_table_abi1)
  foreach(kind ${MAPSTRESS_BAD_PLUGINS})
    add_dependencies(mapstress_tests bad_plugin_${kind})
  endforeach()
  if(TARGET mapstress_go_plugins)
    add_dependencies(mapstress_tests mapstress_go_plugins)
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL _mapstress_wire_plugin_tests)
