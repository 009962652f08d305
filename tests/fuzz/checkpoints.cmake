# --- libFuzzer targets of the checkpoint readers ------------------------------------------------
# The safetensors header (with the sharded index) and the .npz reader. Built when the compiler is
# clang with libFuzzer (the clang preset); the suite runs each for a few seconds from its seed
# corpus in tests/fuzz/<target>/corpus (new inputs go to a scratch directory, not the corpus).
# A longer run: cmake --build build/clang --target fuzz_<target>, then
#   nice build/clang/tests/fuzz_<target> -max_total_time=600 <scratch dir> tests/fuzz/<target>/corpus
# (docs/fuzzing.md records one).
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND TARGET axle::safetensors AND TARGET axle::npz)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  check_cxx_source_compiles("#include <cstdint>
#include <cstddef>
extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }" AXLE_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(AXLE_HAVE_LIBFUZZER)
    set(AXLE_CHECKPOINT_FUZZ_SECONDS 10 CACHE STRING "Seconds the suite runs each checkpoint fuzz target")
    foreach(_fuzz safetensors_header npz_reader)
      add_executable(fuzz_${_fuzz} "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${_fuzz}_fuzz.cpp")
      target_link_libraries(fuzz_${_fuzz} PRIVATE axle::safetensors axle::npz axle::warnings)
      target_compile_options(fuzz_${_fuzz} PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -O1 -g)
      target_link_options(fuzz_${_fuzz} PRIVATE -fsanitize=fuzzer,address,undefined)
      add_test(NAME fuzz.${_fuzz}
               COMMAND ${CMAKE_COMMAND} -DFUZZER=$<TARGET_FILE:fuzz_${_fuzz}> -DCORPUS=${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${_fuzz}/corpus
                       -DSCRATCH=${CMAKE_CURRENT_BINARY_DIR}/fuzz_${_fuzz}_scratch -DSECONDS=${AXLE_CHECKPOINT_FUZZ_SECONDS}
                       -P ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run_checkpoint_fuzzer.cmake)
      set_tests_properties(fuzz.${_fuzz} PROPERTIES LABELS fuzz)
    endforeach()
  endif()
endif()
