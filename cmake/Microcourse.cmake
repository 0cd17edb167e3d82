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
# Its headers are included as "bot/core/x.hpp" or "adapters/telegram/x.hpp", and only a library
# that links it sees them: its include root (build/include/<name>/) holds one link, from the
# part's path to the part's folder, instead of the whole repository. So the build holds the
# walls of DESIGN.md: including a part one does not depend on fails to compile
# (scripts/check-layers.sh checks the finer rules, such as no part of delivery seeing engine).
function(mc_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  file(RELATIVE_PATH part ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set(root ${PROJECT_BINARY_DIR}/include/${name})
  get_filename_component(parent ${root}/${part} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${part} SYMBOLIC)
  target_include_directories(${name} PUBLIC ${root})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_definitions(${name} PUBLIC BOOST_ASIO_NO_DEPRECATED)
  mc_target_options(${name})
endfunction()

# mc_add_test(<name> SOURCES ... DEPS ...): one GoogleTest executable, each test registered in CTest.
function(mc_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  # Tests see the whole tree (their fixtures live under tests/).
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE
    MC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    MC_BINARY_DIR="${PROJECT_BINARY_DIR}")
  mc_target_options(${name})
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
