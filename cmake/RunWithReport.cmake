# cmake -DREPORT=<file> -P RunWithReport.cmake -- <command...>
# Runs the command, writes its stdout+stderr to REPORT, and fails (echoing the output) when
# the command fails. Used to keep nvcc's -Xptxas -v resource report next to the build.
set(cmd "")
set(take OFF)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 1 ${last})
    if(take)
        list(APPEND cmd "${CMAKE_ARGV${i}}")
    elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
        set(take ON)
    endif()
endforeach()
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
file(WRITE "${REPORT}" "${out}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${out}\ncommand failed (exit ${rc}): ${cmd}")
endif()
