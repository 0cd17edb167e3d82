# Build helpers shared by every part: one place sets warnings and sanitizers.

function(mc_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  # gcc 12 at -O2 reports Asio's coroutine frame allocation (thread_info_base::allocate with a
  # sized operator delete) as mismatched new/delete: a known false positive (gcc PR 109224).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
  endif()
  if(MC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(MC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# mc_add_library(<name> SOURCES ... DEPS ...): a static library for one part of the bot.
# Its headers are included as "bot/core/x.hpp" or "adapters/telegram/x.hpp" from the repo root.
function(mc_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_definitions(${name} PUBLIC BOOST_ASIO_NO_DEPRECATED)
  mc_target_options(${name})
endfunction()

# mc_add_test(<name> SOURCES ... DEPS ...): one GoogleTest executable, each test registered in CTest.
function(mc_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    MC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    MC_BINARY_DIR="${PROJECT_BINARY_DIR}")
  mc_target_options(${name})
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
