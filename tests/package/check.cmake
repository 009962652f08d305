cmake_policy(VERSION 3.25)
# The package as users get it; one MODE per test (see CMakeLists.txt next to this file).
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
# Runs a command that must fail and print `expected` (a regex) on stdout or stderr.
function(run_fails expected)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0)
    message(FATAL_ERROR "succeeded, but must fail: ${ARGN}\n${out}\n${err}")
  endif()
  string(REGEX REPLACE "[ \t\r\n]+" " " _all "${out} ${err}")
  if(NOT _all MATCHES "${expected}")
    message(FATAL_ERROR "failed without saying '${expected}': ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
function(expect_files prefix)
  foreach(_file ${ARGN})
    if(NOT EXISTS "${prefix}/${_file}")
      message(FATAL_ERROR "not installed: ${prefix}/${_file}")
    endif()
  endforeach()
endfunction()

# Every public header (not detail/: those are included by the others).
file(GLOB_RECURSE _headers RELATIVE "${AXLE_SOURCE_DIR}/include" "${AXLE_SOURCE_DIR}/include/axle/*.hpp")
list(FILTER _headers EXCLUDE REGEX "^axle/detail/")
list(SORT _headers)

set(_consumer "${AXLE_SOURCE_DIR}/tests/package/consumer")
set(_configure ${CMAKE_COMMAND} -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX})
# What a machine without any optional dependency looks like to axle's configuration.
set(_no_optional_dependencies -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_DISABLE_FIND_PACKAGE_Python3=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON -DAXLE_SYSTEM_PYTHON=)

if(MODE STREQUAL "install")
  # The build tree as built, installed into a fresh prefix.
  set(_prefix "${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} --install "${AXLE_BINARY_DIR}" --prefix "${_prefix}")
  expect_files("${_prefix}" include/axle/axle.hpp share/axle/cmake/axleConfig.cmake share/pkgconfig/axle.pc)
  if(EXISTS "${AXLE_BINARY_DIR}/tools/axle/axle")
    expect_files("${_prefix}" bin/axle)
  endif()
  file(GLOB_RECURSE _installed "${_prefix}/*.cmake")
  foreach(_file ${_installed})
    file(READ "${_file}" _text)
    if(_text MATCHES "unit_test_framework|benchmark|Boost::unit|Python|axle_warnings")
      message(FATAL_ERROR "a test-only dependency leaked into the installed package: ${_file}")
    endif()
  endforeach()
  # find_package(axle COMPONENTS fmt): builds and runs.
  run(${_configure} -S "${_consumer}" -B "${WORK_DIR}/build" "-DCMAKE_PREFIX_PATH=${_prefix}" -DCONSUMER_MODE=find_package)
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
  run("${WORK_DIR}/build/consumer")
  if(EXPECT_CHECKPOINTS)  # the build has axle::safetensors and axle::npz: so must the consumer
    if(NOT EXISTS "${WORK_DIR}/build/checkpoint_consumer")
      message(FATAL_ERROR "the consumer found no axle::safetensors / axle::npz (${MODE})")
    endif()
    run("${WORK_DIR}/build/checkpoint_consumer")
  endif()
  # A component that does not exist, or whose dependency is missing: not found, with the reason.
  run_fails("axle has no component 'nonsense'"
            ${_configure} -S "${_consumer}" -B "${WORK_DIR}/nonsense" "-DCMAKE_PREFIX_PATH=${_prefix}"
            -DCONSUMER_MODE=find_package -DCONSUMER_COMPONENTS=nonsense)
  run_fails("axle::fmt needs \\{fmt\\}.*which was not found"
            ${_configure} -S "${_consumer}" -B "${WORK_DIR}/no_fmt" "-DCMAKE_PREFIX_PATH=${_prefix}"
            -DCONSUMER_MODE=find_package -DCONSUMER_COMPONENTS=fmt -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON)
  # pkg-config: the version, and flags that compile a program.
  if(PKG_CONFIG)
    set(ENV{PKG_CONFIG_PATH} "${_prefix}/share/pkgconfig")
    execute_process(COMMAND ${PKG_CONFIG} --modversion axle OUTPUT_VARIABLE _version OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0 OR NOT _version STREQUAL VERSION)
      message(FATAL_ERROR "pkg-config --modversion axle: '${_version}', expected ${VERSION}")
    endif()
    execute_process(COMMAND ${PKG_CONFIG} --cflags axle OUTPUT_VARIABLE _cflags OUTPUT_STRIP_TRAILING_WHITESPACE)
    separate_arguments(_cflags UNIX_COMMAND "${_cflags}")
    file(WRITE "${WORK_DIR}/pc.cpp" "#include <axle/axle.hpp>\nstatic_assert(axle::convertible_v<axle::layout<axle::axes::O, axle::axes::I>, axle::layout<axle::axes::I, axle::axes::O>>);\nint main() {}\n")
    run(${CXX} -std=c++20 ${_cflags} -fsyntax-only "${WORK_DIR}/pc.cpp")
  endif()

elseif(MODE STREQUAL "install_fresh")
  # Configuring for install needs none of the optional dependencies, and installing works before
  # anything is built; every part that is skipped says so in one line.
  execute_process(COMMAND ${_configure} -S "${AXLE_SOURCE_DIR}" -B "${WORK_DIR}/bare" ${_no_optional_dependencies}
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "configuring without optional dependencies failed:\n${_out}\n${_err}")
  endif()
  foreach(_skipped "the command-line tool" "the examples" "the run-time and conformance tests")
    if(NOT _out MATCHES "axle: skipping ${_skipped}")
      message(FATAL_ERROR "configuring without dependencies does not say that it skips ${_skipped}:\n${_out}")
    endif()
  endforeach()
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/bare" --prefix "${WORK_DIR}/bare_prefix")
  expect_files("${WORK_DIR}/bare_prefix" include/axle/axle.hpp share/axle/cmake/axleConfig.cmake share/pkgconfig/axle.pc)
  # With every dependency present (the tool is configured), installing before building still works.
  run(${_configure} -S "${AXLE_SOURCE_DIR}" -B "${WORK_DIR}/full")
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/full" --prefix "${WORK_DIR}/full_prefix")
  expect_files("${WORK_DIR}/full_prefix" include/axle/axle.hpp share/axle/cmake/axleConfig.cmake)

elseif(MODE STREQUAL "fetchcontent")
  # The README's FetchContent snippet, verbatim, with the download replaced by this source tree.
  file(READ "${AXLE_SOURCE_DIR}/README.md" _readme)
  string(REGEX MATCH "```cmake\n(include\\(FetchContent\\)[^`]*)```" _block "${_readme}")
  if(NOT _block)
    message(FATAL_ERROR "README.md has no ```cmake block starting with include(FetchContent)")
  endif()
  set(_snippet "${CMAKE_MATCH_1}")
  file(MAKE_DIRECTORY "${WORK_DIR}/app")
  file(COPY "${_consumer}/main.cpp" DESTINATION "${WORK_DIR}/app")
  file(WRITE "${WORK_DIR}/app/CMakeLists.txt"
       "cmake_minimum_required(VERSION 3.25)\nproject(app LANGUAGES CXX)\nadd_executable(app main.cpp)\n${_snippet}")
  run(${_configure} -S "${WORK_DIR}/app" -B "${WORK_DIR}/build" "-DFETCHCONTENT_SOURCE_DIR_AXLE=${AXLE_SOURCE_DIR}")
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
  run("${WORK_DIR}/build/app")
  if(EXISTS "${WORK_DIR}/build/_deps/axle-build/tests")
    message(FATAL_ERROR "a project that fetches axle configured axle's tests")
  endif()

elseif(MODE STREQUAL "strict_headers")
  # A consumer's strictest warnings, as errors: every public header, and a program that
  # instantiates the main templates, in C++20 and C++23. axle's headers are included with -I
  # (as a project's own would be), the third-party ones as system headers.
  set(_all "")
  foreach(_header ${_headers})
    string(APPEND _all "#include <${_header}>\n")
  endforeach()
  file(WRITE "${WORK_DIR}/all_headers.hpp" "${_all}")
  set(_system "")
  foreach(_dir ${EIGEN_INCLUDE})
    list(APPEND _system "-isystem${_dir}")
  endforeach()
  foreach(_std c++20 ${STD23})
    run(${CXX} -std=${_std} -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Werror
        -I${AXLE_SOURCE_DIR}/include ${_system} -include "${WORK_DIR}/all_headers.hpp"
        "${AXLE_SOURCE_DIR}/tests/package/strict/uses.cpp")
  endforeach()

elseif(MODE STREQUAL "no_exceptions")
  # docs/reference.md, section "Exceptions", lists the headers that need exceptions; every other
  # public header compiles with -fno-exceptions.
  file(READ "${AXLE_SOURCE_DIR}/docs/reference.md" _reference)
  string(REGEX MATCH "\n## Exceptions\n[^#]*" _section "${_reference}")
  string(REGEX MATCHALL "<axle/[a-z_/]+\\.hpp>" _needing "${_section}")
  if(NOT _needing)
    message(FATAL_ERROR "docs/reference.md has no section '## Exceptions' listing <axle/...> headers")
  endif()
  set(_tu "")
  set(_count 0)
  foreach(_header ${_headers})
    if(NOT "<${_header}>" IN_LIST _needing)
      string(APPEND _tu "#include <${_header}>\n")
      math(EXPR _count "${_count} + 1")
    endif()
  endforeach()
  string(APPEND _tu "int main() { return axle::convertible_v<axle::layout<axle::axes::O>, axle::layout<axle::axes::O>> ? 0 : 1; }\n")
  file(WRITE "${WORK_DIR}/no_exceptions.cpp" "${_tu}")
  set(_system "")
  foreach(_dir ${EIGEN_INCLUDE})
    list(APPEND _system "-isystem${_dir}")
  endforeach()
  execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -fno-exceptions -I${AXLE_SOURCE_DIR}/include ${_system}
                          "${WORK_DIR}/no_exceptions.cpp" RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(REGEX MATCH "include/(axle/[^:]+\\.hpp):[0-9]+:[0-9]+: error" _where "${_err}")
    message(FATAL_ERROR "a header not listed in docs/reference.md#exceptions needs exceptions (the first "
                        "error is in ${CMAKE_MATCH_1}): list the header there, or make it work without them\n${_err}")
  endif()
  message(STATUS "${_count} public headers compile with -fno-exceptions")
elseif(MODE STREQUAL "deps")
  # tools/deps.sh has a package list for every configure preset of CMakePresets.json.
  execute_process(COMMAND ${CMAKE_COMMAND} --list-presets=configure WORKING_DIRECTORY "${AXLE_SOURCE_DIR}"
                  OUTPUT_VARIABLE _out RESULT_VARIABLE _rc)
  string(REGEX MATCHALL "\"[A-Za-z0-9_-]+\"" _presets "${_out}")
  if(NOT _rc EQUAL 0 OR NOT _presets)
    message(FATAL_ERROR "cmake --list-presets=configure listed nothing:\n${_out}")
  endif()
  foreach(_preset ${_presets})
    string(REPLACE "\"" "" _preset "${_preset}")
    run(bash -c "source tools/deps.sh && axle_preset_packages \"$1\"" _ "${_preset}" WORKING_DIRECTORY "${AXLE_SOURCE_DIR}")
  endforeach()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
