# cmake -DIN=<file.class> -DOUT=<header.h> -P embed_class.cmake: writes the class file's bytes as
# `static const unsigned char kMapstressJavaClass[]`, so the plugin needs no class path at run time.
file(READ ${IN} _hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" _bytes "${_bytes}")
file(WRITE ${OUT} "// Generated from ${IN} by embed_class.cmake; do not edit.\n"
                  "static const unsigned char kMapstressJavaClass[] = {\n${_bytes}\n};\n")
