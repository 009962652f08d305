# Runs a libFuzzer target for SECONDS seconds: new inputs go to SCRATCH (emptied first), the seed
# corpus CORPUS is only read. Fails on any finding.
file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}")
execute_process(COMMAND "${FUZZER}" -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=20 -print_final_stats=1
                        "-artifact_prefix=${SCRATCH}/" "${SCRATCH}" "${CORPUS}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed (${rc}):\n${out}\n${err}")
endif()
string(REGEX MATCH "stat::number_of_executed_units: [0-9]+" _runs "${err}")
message(STATUS "${FUZZER}: ${_runs}")
