# nlhf_add_test(foo_test [LIBS ...] [DEFINITIONS ...] [PROPERTIES ...]): builds foo_test.cc (beside the
# calling CMakeLists) into a GoogleTest executable linked with nlhf and registers each of its tests with
# CTest (with the test PROPERTIES given, e.g. FIXTURES_REQUIRED).
function(nlhf_add_test name)
  cmake_parse_arguments(ARG "" "" "LIBS;DEFINITIONS;PROPERTIES" ${ARGN})
  add_executable(${name} ${name}.cc)
  target_link_libraries(${name} PRIVATE nlhf GTest::gtest GTest::gmock GTest::gtest_main fmt::fmt ${ARG_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    NLHF_SOURCE_DIR="${PROJECT_SOURCE_DIR}" ${ARG_DEFINITIONS})
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
  if(ARG_PROPERTIES)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${ARG_PROPERTIES})
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
