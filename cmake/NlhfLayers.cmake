# nlhf_layer(<target> SOURCES ... [LAYERS <lower layers>] [PUBLIC <libs>] [PRIVATE <libs>]): one layer of
# the library (docs/architecture.md), a static library with the public headers of include/ and the
# private ones of src/, linked to the layers below it and nothing above.
#
# With NLHF_CHECK_LAYERS the layer is also linked, whole, into a shared library that may leave no symbol
# undefined (<target>_link_check, built with `all`): a call into a layer that is not below it has no
# definition there, and the build fails naming the symbol. (A header-only use of a higher layer would go
# unseen; every layer's headers declare functions defined in its own sources.)
include(GNUInstallDirs)
option(NLHF_CHECK_LAYERS "Fail the build when a layer calls a layer above it" ON)
if(NLHF_SANITIZE)
  # The sanitizers' runtime is linked into executables only: a shared library leaves its symbols undefined.
  set(NLHF_CHECK_LAYERS OFF)
endif()

function(nlhf_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LAYERS;PUBLIC;PRIVATE" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  string(REGEX REPLACE "^nlhf_" "" short_name ${name})
  add_library(nlhf::${short_name} ALIAS ${name})
  target_include_directories(${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>)
  target_link_libraries(${name} PUBLIC ${ARG_LAYERS} ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  # An OpenMP pragma in a layer that does not link OpenMP would run serially without a word: an error.
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers
                                         -Werror=unknown-pragmas)
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${short_name})
  set_property(GLOBAL APPEND PROPERTY NLHF_EXPORTED_TARGETS ${name})
  if(NLHF_CHECK_LAYERS)
    add_library(${name}_link_check SHARED ${PROJECT_SOURCE_DIR}/cmake/link_check.cc)
    target_link_libraries(${name}_link_check PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${name}>")
    target_link_options(${name}_link_check PRIVATE LINKER:--no-undefined)
    set_target_properties(${name}_link_check PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/link_check)
  endif()
endfunction()
