# COIN-OR CLP (Debian's coinor-libclp-dev) through its C interface, Clp_C_Interface.h: the header and
# libraries found by hand, as for GLPK, so that the installed nlhf package finds them the same way.
find_path(CLP_INCLUDE_DIR Clp_C_Interface.h PATH_SUFFIXES coin REQUIRED)
find_library(CLP_LIBRARY Clp REQUIRED)
find_library(COINUTILS_LIBRARY CoinUtils REQUIRED)
add_library(CLP::clp UNKNOWN IMPORTED)
set_target_properties(CLP::clp PROPERTIES
  IMPORTED_LOCATION "${CLP_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CLP_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${COINUTILS_LIBRARY}")
message(STATUS "CLP: ${CLP_LIBRARY}")
