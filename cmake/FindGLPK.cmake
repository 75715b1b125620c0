# Debian's libglpk-dev ships no CMake package file: find the header and library by hand.
find_path(GLPK_INCLUDE_DIR glpk.h REQUIRED)
find_library(GLPK_LIBRARY glpk REQUIRED)
add_library(GLPK::glpk UNKNOWN IMPORTED)
set_target_properties(GLPK::glpk PROPERTIES
  IMPORTED_LOCATION "${GLPK_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${GLPK_INCLUDE_DIR}")
message(STATUS "GLPK: ${GLPK_LIBRARY}")
