# The Java plugin (src/plugin/java): <build>/plugins/java/libmapstress_java.so with backends
# java-chm, java-skiplist, java-synchronized and java-synchronized-locked, reached through JNI.
# Needs a JDK (Debian: openjdk-17-jdk-headless): javac, jni.h and libjvm.so; Debian's JDK under
# /usr/lib/jvm is preferred over others (JAVA_HOME or -DMAPSTRESS_JAVA_HOME=... choose another).
# Without one: a STATUS line, and <build>/plugins/java/SKIPPED says why (the tests print it and skip).
# Sets MAPSTRESS_JAVA_PLUGIN (the library, or "").

option(MAPSTRESS_BUILD_JAVA_PLUGIN "Build the Java (JNI) plugin when a JDK is found" ON)
set(MAPSTRESS_JAVA_PLUGIN "")
set(_java_src ${PROJECT_SOURCE_DIR}/src/plugin/java)
set(_java_out ${PROJECT_BINARY_DIR}/plugins/java)
file(REMOVE ${_java_out}/SKIPPED)
set(_java_skip "")
if(NOT MAPSTRESS_BUILD_JAVA_PLUGIN)
  set(_java_skip "MAPSTRESS_BUILD_JAVA_PLUGIN=OFF")
else()
  if(NOT MAPSTRESS_JAVA_HOME)
    if(DEFINED ENV{JAVA_HOME})
      set(_java_home_guess $ENV{JAVA_HOME})
    else()
      file(GLOB _java_homes /usr/lib/jvm/java-*-openjdk-*)
      list(SORT _java_homes COMPARE NATURAL ORDER DESCENDING)
      list(GET _java_homes 0 _java_home_guess)
    endif()
    set(MAPSTRESS_JAVA_HOME "${_java_home_guess}" CACHE PATH "The JDK the Java plugin is built with")
  endif()
  find_program(MAPSTRESS_JAVAC_EXECUTABLE NAMES javac PATHS ${MAPSTRESS_JAVA_HOME}/bin NO_DEFAULT_PATH)
  find_path(MAPSTRESS_JNI_INCLUDE_DIR NAMES jni.h PATHS ${MAPSTRESS_JAVA_HOME}/include NO_DEFAULT_PATH)
  find_library(MAPSTRESS_JVM_LIBRARY NAMES jvm PATHS ${MAPSTRESS_JAVA_HOME}/lib/server NO_DEFAULT_PATH)
  if(NOT MAPSTRESS_JAVAC_EXECUTABLE OR NOT MAPSTRESS_JNI_INCLUDE_DIR OR NOT MAPSTRESS_JVM_LIBRARY)
    set(_java_skip "no JDK (javac, jni.h, libjvm.so) under '${MAPSTRESS_JAVA_HOME}'; install openjdk-17-jdk-headless")
  endif()
endif()

if(_java_skip)
  message(STATUS "Java plugin: skipped (${_java_skip})")
  file(WRITE ${_java_out}/SKIPPED "Java plugin not built: ${_java_skip}\n")
else()
  message(STATUS "Java plugin: libmapstress_java.so with ${MAPSTRESS_JAVA_HOME}")
  add_custom_command(
    OUTPUT ${_java_out}/classes/MapstressJava.class ${_java_out}/mapstress_java_class.h
    COMMAND ${MAPSTRESS_JAVAC_EXECUTABLE} --release 17 -Xlint:all -Werror -d ${_java_out}/classes
            ${_java_src}/MapstressJava.java
    COMMAND ${CMAKE_COMMAND} -DIN=${_java_out}/classes/MapstressJava.class -DOUT=${_java_out}/mapstress_java_class.h
            -P ${_java_src}/embed_class.cmake
    DEPENDS ${_java_src}/MapstressJava.java ${_java_src}/embed_class.cmake
    COMMENT "Compiling MapstressJava.java"
    VERBATIM)
  add_library(mapstress_java MODULE ${_java_src}/java_plugin.cpp ${_java_out}/mapstress_java_class.h)
  target_include_directories(mapstress_java PRIVATE ${MAPSTRESS_INCLUDE_DIR} ${_java_out})
  target_include_directories(mapstress_java SYSTEM PRIVATE ${MAPSTRESS_JNI_INCLUDE_DIR}
                             ${MAPSTRESS_JNI_INCLUDE_DIR}/linux)
  get_filename_component(_jvm_dir ${MAPSTRESS_JVM_LIBRARY} DIRECTORY)
  target_link_libraries(mapstress_java PRIVATE ${MAPSTRESS_JVM_LIBRARY} Threads::Threads)
  # libjvm.so is not on the loader's path: the plugin finds it through its RUNPATH.
  set_target_properties(mapstress_java PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${_java_out} CXX_VISIBILITY_PRESET hidden SKIP_PRECOMPILE_HEADERS ON
    BUILD_RPATH ${_jvm_dir} INSTALL_RPATH ${_jvm_dir})
  set(MAPSTRESS_JAVA_PLUGIN ${_java_out}/libmapstress_java.so)
  install(TARGETS mapstress_java LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/mapstress/plugins/java)
endif()
