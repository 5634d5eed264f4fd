# The bundled Go plugin (src/plugin/go), built once per Go toolchain found:
# <build>/plugins/go/libmapstress_go1.NN.so with backends go1.NN-syncmap, go1.NN-rwmutex-map and
# go1.NN-map. mapstress loads every library in that folder at start (src/plugin/bundled_plugins.cpp).
# Builds are offline (GOPROXY=off, GOTOOLCHAIN=local), with one Go cache inside the build tree.
# Sets MAPSTRESS_GO_PLUGINS (the libraries, oldest toolchain first) and MAPSTRESS_GO_PLUGIN (the newest).

option(MAPSTRESS_BUILD_GO_PLUGINS "Build the Go plugins for every Go toolchain found" ON)
set(MAPSTRESS_GO_TOOLCHAINS "" CACHE STRING
    "Extra Go toolchains to build the Go plugin with: go executables or GOROOT folders, ;-separated")
# What build.sh installs; a missing one is named at configure time.
set(MAPSTRESS_GO_EXPECTED 1.19 1.21 1.22 1.23)
set(MAPSTRESS_GO_PLUGINS "")
set(MAPSTRESS_GO_PLUGIN "")
set(_go_src ${PROJECT_SOURCE_DIR}/src/plugin/go)
set(_go_out ${PROJECT_BINARY_DIR}/plugins/go)
set(_go_cache ${PROJECT_BINARY_DIR}/go-cache)
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/plugin/bundled_plugins.cpp PROPERTIES
                            COMPILE_DEFINITIONS MAPSTRESS_INSTALL_LIBDIR="${CMAKE_INSTALL_LIBDIR}")

if(MAPSTRESS_BUILD_GO_PLUGINS)
  # Candidates: the user's first (they win a version tie), then Debian's, then PATH.
  set(_go_candidates "")
  foreach(entry ${MAPSTRESS_GO_TOOLCHAINS})
    if(IS_DIRECTORY ${entry})
      set(entry ${entry}/bin/go)
    endif()
    if(NOT EXISTS ${entry})
      message(FATAL_ERROR "MAPSTRESS_GO_TOOLCHAINS: '${entry}' is neither a go executable nor a GOROOT folder")
    endif()
    list(APPEND _go_candidates ${entry})
  endforeach()
  file(GLOB _go_debian /usr/lib/go-1.*/bin/go)
  list(SORT _go_debian COMPARE NATURAL)
  find_program(_go_on_path NAMES go NO_CACHE)
  list(APPEND _go_candidates ${_go_debian} ${_go_on_path} /usr/local/go/bin/go)

  file(GLOB _go_sources CONFIGURE_DEPENDS ${_go_src}/*.go ${_go_src}/go.mod ${_go_src}/mapstress/*.go
       ${_go_src}/mapstress/*.c ${_go_src}/mapstress/go.mod)
  set(_go_seen "")
  set(_go_list "")  # "<release> <go executable>" lines, for the tests (tests/cli/go_*.sh)
  foreach(go ${_go_candidates})
    if(NOT EXISTS ${go})
      continue()
    endif()
    execute_process(COMMAND ${go} version OUTPUT_VARIABLE _go_version OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET RESULT_VARIABLE _go_rc)
    if(NOT _go_rc EQUAL 0 OR NOT _go_version MATCHES "go([0-9]+)\\.([0-9]+)")
      message(STATUS "Go plugins: skipping ${go}: `go version` said '${_go_version}'")
      continue()
    endif()
    set(_release "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
    if(_release IN_LIST _go_seen)
      continue()
    endif()
    if(_release VERSION_LESS 1.19)
      message(STATUS "Go plugins: skipping ${go} (go${_release}; the plugin needs Go 1.19 or later)")
      continue()
    endif()
    list(APPEND _go_seen ${_release})
    set(_lib ${_go_out}/libmapstress_go${_release}.so)
    string(REPLACE "." "_" _target_suffix ${_release})
    add_custom_command(
      OUTPUT ${_lib}
      COMMAND ${CMAKE_COMMAND} -E env GOCACHE=${_go_cache}/build GOPATH=${_go_cache}/gopath
              GOMODCACHE=${_go_cache}/mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
              CGO_ENABLED=1 CC=${CMAKE_C_COMPILER}
              ${go} build -buildmode=c-shared -trimpath -o ${_lib} .
      COMMAND ${CMAKE_COMMAND} -E remove ${_go_out}/libmapstress_go${_release}.h
      WORKING_DIRECTORY ${_go_src}
      DEPENDS ${_go_sources} ${PROJECT_SOURCE_DIR}/src/plugin/include/mapstress/plugin.h
      COMMENT "Building the Go plugin with ${_go_version}"
      VERBATIM)
    add_custom_target(mapstress_go_plugin_${_target_suffix} ALL DEPENDS ${_lib})
    list(APPEND MAPSTRESS_GO_PLUGINS ${_lib})
    string(APPEND _go_list "${_release} ${go}\n")
    install(FILES ${_lib} DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins/go OPTIONAL)
    message(STATUS "Go plugins: go${_release} with ${go} (${_go_version})")
  endforeach()

  if(_go_list)
    file(WRITE ${_go_out}/toolchains.txt ${_go_list})
  endif()
  # Oldest first, so the list and the backend order follow the releases.
  list(SORT MAPSTRESS_GO_PLUGINS COMPARE NATURAL)
  if(MAPSTRESS_GO_PLUGINS)
    list(GET MAPSTRESS_GO_PLUGINS -1 MAPSTRESS_GO_PLUGIN)
    add_custom_target(mapstress_go_plugins)
    foreach(release ${_go_seen})
      string(REPLACE "." "_" _target_suffix ${release})
      add_dependencies(mapstress_go_plugins mapstress_go_plugin_${_target_suffix})
    endforeach()
  endif()
  set(_go_missing "")
  foreach(release ${MAPSTRESS_GO_EXPECTED})
    if(NOT release IN_LIST _go_seen)
      list(APPEND _go_missing "go${release} (apt-get install golang-${release}-go)")
    endif()
  endforeach()
  if(_go_missing)
    list(JOIN _go_missing ", " _go_missing_text)
    message(STATUS "Go plugins: missing ${_go_missing_text}; see build.sh's install step")
  endif()
else()
  message(STATUS "Go plugins: skipped (MAPSTRESS_BUILD_GO_PLUGINS=OFF)")
endif()

# mapstress loads every library in plugins/go: drop those of toolchains no longer built.
file(GLOB _go_built ${_go_out}/*.so)
foreach(lib ${_go_built})
  if(NOT lib IN_LIST MAPSTRESS_GO_PLUGINS)
    file(REMOVE ${lib})
  endif()
endforeach()
if(NOT MAPSTRESS_GO_PLUGINS)
  file(REMOVE ${_go_out}/toolchains.txt)
endif()
