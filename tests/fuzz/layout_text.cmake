# --- libFuzzer target of the parsers of layouts written as text ---------------------------------
# Every notation (axle's, einops, TVM, oneDNN tags, JAX dimension_numbers) on arbitrary bytes.
# Built when the compiler is clang with libFuzzer (the clang preset), with AddressSanitizer and
# UndefinedBehaviorSanitizer; the suite runs it for AXLE_TEXT_FUZZ_SECONDS from its seed corpus
# (tests/fuzz/layout_text/corpus); inputs that add coverage go to a scratch directory in the build
# tree, a failing input is written there too. A longer run:
#   cmake --build build/clang --target fuzz_layout_text
#   build/clang/tests/fuzz_layout_text -max_total_time=600 /tmp/found tests/fuzz/layout_text/corpus
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  check_cxx_source_compiles("#include <cstdint>
#include <cstddef>
extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }" AXLE_TEXT_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(AXLE_TEXT_HAVE_LIBFUZZER)
    set(AXLE_TEXT_FUZZ_SECONDS 10 CACHE STRING "Seconds the suite runs the layout-text fuzz target")
    add_executable(fuzz_layout_text "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/layout_text_fuzz.cpp")
    target_link_libraries(fuzz_layout_text PRIVATE axle::axle axle::warnings)
    target_compile_options(fuzz_layout_text PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -O1 -g)
    target_link_options(fuzz_layout_text PRIVATE -fsanitize=fuzzer,address,undefined)
    set(_scratch "${CMAKE_CURRENT_BINARY_DIR}/fuzz_layout_text_scratch")
    file(MAKE_DIRECTORY "${_scratch}")
    add_test(NAME fuzz.layout_text
             COMMAND fuzz_layout_text -max_total_time=${AXLE_TEXT_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
                     -artifact_prefix=${_scratch}/ "${_scratch}" "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/layout_text/corpus")
    set_tests_properties(fuzz.layout_text PROPERTIES LABELS fuzz TIMEOUT 300)
  endif()
endif()
