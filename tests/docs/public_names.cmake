# README.md, docs/, examples/ and tools/ are what users read and copy: they use public names
# only. Fails on any `detail::` there (what `grep -rn 'detail::' README.md docs examples tools`
# would find), naming each file and line.
file(GLOB_RECURSE _files LIST_DIRECTORIES false "${ROOT}/docs/*" "${ROOT}/examples/*" "${ROOT}/tools/*")
list(APPEND _files "${ROOT}/README.md")
set(_found "")
foreach(_file IN LISTS _files)
  file(STRINGS "${_file}" _lines REGEX "detail::")
  foreach(_line IN LISTS _lines)
    file(RELATIVE_PATH _rel "${ROOT}" "${_file}")
    string(APPEND _found "\n  ${_rel}: ${_line}")
  endforeach()
endforeach()
if(_found)
  message(FATAL_ERROR "internal names (detail::) where users read:${_found}")
endif()
list(LENGTH _files _count)
message(STATUS "${_count} files, no detail::")
