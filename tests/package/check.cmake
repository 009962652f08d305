# MODE=install: install axle into a fresh prefix, check that no test-only dependency leaked
# into the installed package files, then build the consumer with find_package(axle CONFIG).
# MODE=subdirectory: build the consumer with add_subdirectory(<axle source>).
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

set(_consumer "${AXLE_SOURCE_DIR}/tests/package/consumer")
if(MODE STREQUAL "install")
  run(${CMAKE_COMMAND} --install "${AXLE_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
  file(GLOB_RECURSE _installed "${WORK_DIR}/prefix/*.cmake")
  foreach(_file ${_installed})
    file(READ "${_file}" _text)
    if(_text MATCHES "unit_test_framework|benchmark|Boost::unit|Python")
      message(FATAL_ERROR "a test-only dependency leaked into the installed package: ${_file}")
    endif()
  endforeach()
  if(NOT EXISTS "${WORK_DIR}/prefix/include/axle/axle.hpp")
    message(FATAL_ERROR "the headers were not installed")
  endif()
  run(${CMAKE_COMMAND} -S "${_consumer}" -B "${WORK_DIR}/build" -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX}
      "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix" -DCONSUMER_MODE=find_package)
else()
  run(${CMAKE_COMMAND} -S "${_consumer}" -B "${WORK_DIR}/build" -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX}
      "-DAXLE_SOURCE_DIR=${AXLE_SOURCE_DIR}" -DCONSUMER_MODE=add_subdirectory)
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
if(EXPECT_CHECKPOINTS)  # the build has axle::safetensors and axle::npz: so must the consumer
  if(NOT EXISTS "${WORK_DIR}/build/checkpoint_consumer")
    message(FATAL_ERROR "the consumer found no axle::safetensors / axle::npz (${MODE})")
  endif()
  run("${WORK_DIR}/build/checkpoint_consumer")
endif()
