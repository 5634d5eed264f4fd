# The Rust plugin (src/plugin/rust): <build>/plugins/rust/libmapstress_rust.so with backend
# rust-dashmap. Built with Debian's cargo and rustc (/usr/bin first: a rustup toolchain on PATH is
# not what CI has), offline, against Debian's packaged crates (/usr/share/cargo/registry, replacing
# crates.io through a cargo config in the build tree). Without them: a STATUS line, and
# <build>/plugins/rust/SKIPPED says why (the tests print it and skip).
# Sets MAPSTRESS_RUST_PLUGIN (the library, or "").

option(MAPSTRESS_BUILD_RUST_PLUGIN "Build the Rust plugin when cargo, rustc and librust-dashmap-dev are found" ON)
set(MAPSTRESS_RUST_PLUGIN "")
set(_rust_src ${PROJECT_SOURCE_DIR}/src/plugin/rust)
set(_rust_out ${PROJECT_BINARY_DIR}/plugins/rust)
set(MAPSTRESS_CARGO_REGISTRY /usr/share/cargo/registry CACHE PATH "Debian's packaged crates (librust-*-dev)")
file(REMOVE ${_rust_out}/SKIPPED)
set(_rust_skip "")
if(NOT MAPSTRESS_BUILD_RUST_PLUGIN)
  set(_rust_skip "MAPSTRESS_BUILD_RUST_PLUGIN=OFF")
else()
  find_program(MAPSTRESS_CARGO_EXECUTABLE NAMES cargo PATHS /usr/bin NO_DEFAULT_PATH)
  find_program(MAPSTRESS_CARGO_EXECUTABLE NAMES cargo)
  if(MAPSTRESS_CARGO_EXECUTABLE)
    get_filename_component(_cargo_dir ${MAPSTRESS_CARGO_EXECUTABLE} DIRECTORY)
    find_program(MAPSTRESS_RUSTC_EXECUTABLE NAMES rustc PATHS ${_cargo_dir} NO_DEFAULT_PATH)
  endif()
  file(GLOB _rust_dashmap ${MAPSTRESS_CARGO_REGISTRY}/dashmap-5.*)
  if(NOT MAPSTRESS_CARGO_EXECUTABLE OR NOT MAPSTRESS_RUSTC_EXECUTABLE)
    set(_rust_skip "no cargo/rustc found; install cargo rustc")
  elseif(NOT _rust_dashmap)
    set(_rust_skip "no dashmap 5 crate in ${MAPSTRESS_CARGO_REGISTRY}; install librust-dashmap-dev")
  endif()
endif()

if(_rust_skip)
  message(STATUS "Rust plugin: skipped (${_rust_skip})")
  file(WRITE ${_rust_out}/SKIPPED "Rust plugin not built: ${_rust_skip}\n")
  file(REMOVE ${_rust_out}/libmapstress_rust.so)
else()
  execute_process(COMMAND ${MAPSTRESS_RUSTC_EXECUTABLE} --version OUTPUT_VARIABLE _rustc_version
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  message(STATUS "Rust plugin: libmapstress_rust.so with ${MAPSTRESS_CARGO_EXECUTABLE} and ${_rustc_version}")
  set(MAPSTRESS_RUST_PLUGIN ${_rust_out}/libmapstress_rust.so)
  # crates.io is replaced by Debian's registry, offline; nothing is fetched.
  file(WRITE ${_rust_out}/cargo-home/config.toml
       "[source.crates-io]\nreplace-with = \"debian\"\n[source.debian]\ndirectory = \"${MAPSTRESS_CARGO_REGISTRY}\"\n"
       "[net]\noffline = true\n")
  file(GLOB_RECURSE _rust_sources CONFIGURE_DEPENDS ${_rust_src}/src/*.rs)
  # The crate is copied into the build tree, so cargo's Cargo.lock and target/ stay out of the sources.
  add_custom_command(
    OUTPUT ${MAPSTRESS_RUST_PLUGIN}
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${_rust_src}/src ${_rust_out}/crate/src
    COMMAND ${CMAKE_COMMAND} -E copy ${_rust_src}/Cargo.toml ${_rust_out}/crate/Cargo.toml
    COMMAND ${CMAKE_COMMAND} -E env --unset=RUSTUP_TOOLCHAIN --unset=CARGO_TARGET_DIR
            CARGO_HOME=${_rust_out}/cargo-home RUSTC=${MAPSTRESS_RUSTC_EXECUTABLE}
            ${MAPSTRESS_CARGO_EXECUTABLE} build --release --offline --quiet
            --manifest-path ${_rust_out}/crate/Cargo.toml --target-dir ${_rust_out}/target
    COMMAND ${CMAKE_COMMAND} -E copy ${_rust_out}/target/release/libmapstress_rust.so ${MAPSTRESS_RUST_PLUGIN}
    DEPENDS ${_rust_sources} ${_rust_src}/Cargo.toml
    COMMENT "Building the Rust plugin libmapstress_rust.so (cargo, offline)"
    VERBATIM)
  add_custom_target(mapstress_rust_plugin ALL DEPENDS ${MAPSTRESS_RUST_PLUGIN})
  install(FILES ${MAPSTRESS_RUST_PLUGIN} DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins/rust OPTIONAL)
endif()
