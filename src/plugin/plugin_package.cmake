# What plugin authors build against, installed with `cmake --install` (./build.sh install):
#  - the headers mapstress/plugin.h (C ABI) and mapstress/plugin.hpp (C++ adapter);
#  - a pkg-config file, mapstress-plugin.pc (`pkg-config --cflags mapstress-plugin`);
#  - a CMake package: find_package(mapstress CONFIG) gives the INTERFACE target mapstress::plugin.
# Both are relocatable (paths relative to where they are installed), so DESTDIR and --prefix work.
# Also builds the C++ example plugin (src/plugin/examples/cpp_striped) against mapstress::plugin.
include(CMakePackageConfigHelpers)

add_library(mapstress_plugin INTERFACE)
add_library(mapstress::plugin ALIAS mapstress_plugin)
target_include_directories(mapstress_plugin INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src/plugin/include>
                                                      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(mapstress_plugin PROPERTIES EXPORT_NAME plugin)

set(MAPSTRESS_PACKAGE_DIR ${CMAKE_INSTALL_DATADIR}/cmake/mapstress)
install(FILES ${PROJECT_SOURCE_DIR}/src/plugin/include/mapstress/plugin.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mapstress)
install(TARGETS mapstress_plugin EXPORT mapstressTargets)
install(EXPORT mapstressTargets NAMESPACE mapstress:: DESTINATION ${MAPSTRESS_PACKAGE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/src/plugin/mapstressConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/package/mapstressConfig.cmake
                              INSTALL_DESTINATION ${MAPSTRESS_PACKAGE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/mapstressConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/package/mapstressConfig.cmake
              ${PROJECT_BINARY_DIR}/package/mapstressConfigVersion.cmake
        DESTINATION ${MAPSTRESS_PACKAGE_DIR})

# pkg-config: the header-only package lives in share/pkgconfig (on pkg-config's default path
# for /usr and /usr/local); its prefix is found from the .pc file's own folder.
file(RELATIVE_PATH MAPSTRESS_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_DATADIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
file(RELATIVE_PATH MAPSTRESS_PC_INCLUDEDIR ${CMAKE_INSTALL_PREFIX} ${CMAKE_INSTALL_FULL_INCLUDEDIR})
configure_file(${PROJECT_SOURCE_DIR}/src/plugin/mapstress-plugin.pc.in ${PROJECT_BINARY_DIR}/package/mapstress-plugin.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/package/mapstress-plugin.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)

add_subdirectory(${PROJECT_SOURCE_DIR}/src/plugin/examples/cpp_striped ${PROJECT_BINARY_DIR}/plugins/cpp_striped)
install(TARGETS mapstress_cpp_striped LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins)
