# cmake -DIN=<nvcc.ptx> -DOUT=<file.ptx> -DISA=8.0 -DSM=sm_80 -DPTXAS=<ptxas> -P DeclarePtxIsa.cmake
#
# Declares an older PTX ISA in nvcc's PTX so older drivers can JIT it: nvcc 13 writes
# `.version 9.0`, which only a CUDA 13 driver (R580+) accepts, although our kernels use nothing
# newer than ISA 8.0 (CUDA 12.0, R525+). The rewrite is only kept when it provably changes
# nothing: ptxas must accept the lowered text (it rejects any instruction or directive the
# declared ISA lacks) and must produce a cubin byte-identical to the one of nvcc's own text.
# Otherwise the build fails with ptxas's message. A PTX already at or below ISA is copied as is.
foreach(v IN ITEMS IN OUT ISA SM PTXAS)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "DeclarePtxIsa.cmake: -D${v}= is required")
    endif()
endforeach()

file(READ "${IN}" ptx)
string(REGEX MATCH "\n\\.version ([0-9]+)\\.([0-9]+)" found "${ptx}")
if(NOT found)
    message(FATAL_ERROR "${IN}: no .version directive")
endif()
set(emitted "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
if(emitted VERSION_LESS_EQUAL ISA)
    file(COPY_FILE "${IN}" "${OUT}")
    return()
endif()

string(REPLACE "\n.version ${emitted}" "\n// ISA lowered from ${emitted} by cmake/DeclarePtxIsa.cmake: same ${SM} cubin from ptxas\n.version ${ISA}" lowered "${ptx}")
set(tmp "${OUT}.check")
file(WRITE "${tmp}.ptx" "${lowered}")
foreach(pair IN ITEMS "${IN}|${tmp}.emitted.cubin" "${tmp}.ptx|${tmp}.lowered.cubin")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 src)
    list(GET pair 1 dst)
    execute_process(COMMAND "${PTXAS}" -arch=${SM} "${src}" -o "${dst}" RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE err)
    if(NOT rc MATCHES "^[0-9]+$")
        message(FATAL_ERROR "could not run ptxas (${PTXAS}): ${rc}")
    endif()
    if(NOT rc EQUAL 0)
        file(REMOVE "${tmp}.ptx" "${tmp}.emitted.cubin" "${tmp}.lowered.cubin")
        message(FATAL_ERROR "ptxas -arch=${SM} rejects ${src} (PTX ISA ${ISA} declared over nvcc's ${emitted}):\n${err}"
                            "a kernel uses something newer than ISA ${ISA}: drop it or raise ISA in native/CMakeLists.txt")
    endif()
endforeach()
file(SHA256 "${tmp}.emitted.cubin" a)
file(SHA256 "${tmp}.lowered.cubin" b)
file(REMOVE "${tmp}.ptx" "${tmp}.emitted.cubin" "${tmp}.lowered.cubin")
if(NOT a STREQUAL b)
    message(FATAL_ERROR "${IN}: declaring PTX ISA ${ISA} instead of ${emitted} changes the ${SM} code ptxas makes; "
                        "refusing to ship it (raise ISA in native/CMakeLists.txt)")
endif()
file(WRITE "${OUT}" "${lowered}")
