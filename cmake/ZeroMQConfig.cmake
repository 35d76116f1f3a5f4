# find_package(ZeroMQ) support for zmqrs, installed as
# <prefix>/lib/cmake/ZeroMQ/. Defines, as libzmq's own config does, the
# imported targets `libzmq` (shared) and `libzmq-static`, and the variables
# ZeroMQ_INCLUDE_DIR, ZeroMQ_LIBRARY and ZeroMQ_STATIC_LIBRARY.

get_filename_component(_zmqrs_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

set(ZeroMQ_INCLUDE_DIR "${_zmqrs_prefix}/include")
set(ZeroMQ_LIBRARY "${_zmqrs_prefix}/lib/libzmq.so.5")
set(ZeroMQ_STATIC_LIBRARY "${_zmqrs_prefix}/lib/libzmq.a")

if(NOT TARGET libzmq)
  add_library(libzmq SHARED IMPORTED)
  set_target_properties(libzmq PROPERTIES
    IMPORTED_LOCATION "${ZeroMQ_LIBRARY}"
    IMPORTED_SONAME "libzmq.so.5"
    INTERFACE_INCLUDE_DIRECTORIES "${ZeroMQ_INCLUDE_DIR}")
endif()

if(NOT TARGET libzmq-static)
  add_library(libzmq-static STATIC IMPORTED)
  set_target_properties(libzmq-static PROPERTIES
    IMPORTED_LOCATION "${ZeroMQ_STATIC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${ZeroMQ_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "sodium;gcc_s;util;rt;pthread;m;dl")
endif()

set(ZeroMQ_FOUND TRUE)
unset(_zmqrs_prefix)
