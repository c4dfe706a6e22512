# nvcc helpers for native/CMakeLists.txt. CMake 3.25 has CUDA_PTX_COMPILATION but no
# CUDA_FATBIN_COMPILATION, and nvcc -ptx takes one virtual arch per call, so every image is a
# plain add_custom_command.

find_program(BOTTLENECK_NVCC nvcc HINTS "$ENV{CUDA_HOME}/bin" /usr/local/cuda/bin REQUIRED)
# ptxas checks the PTX ISA we declare (DeclarePtxIsa.cmake); it sits beside the real nvcc, which
# may be reached through a symlink such as /usr/bin/nvcc.
get_filename_component(BOTTLENECK_NVCC_REAL "${BOTTLENECK_NVCC}" REALPATH)
get_filename_component(BOTTLENECK_NVCC_REAL_DIR "${BOTTLENECK_NVCC_REAL}" DIRECTORY)
get_filename_component(BOTTLENECK_NVCC_DIR "${BOTTLENECK_NVCC}" DIRECTORY)
find_program(BOTTLENECK_PTXAS ptxas HINTS "${BOTTLENECK_NVCC_REAL_DIR}" "${BOTTLENECK_NVCC_DIR}" "$ENV{CUDA_HOME}/bin"
             /usr/local/cuda/bin REQUIRED)

# Flags shared by every image: warnings are errors; no FMA contraction, so a·b + c rounds like
# the Java twin; C++17 device code.
set(BOTTLENECK_NVCC_FLAGS -std=c++17 -fmad=false -Werror all-warnings)

# PTX for one virtual architecture (e.g. compute_80), declared at PTX ISA `isa` when nvcc emits
# a newer one and ptxas proves the change inert for `sm` (DeclarePtxIsa.cmake).
function(bottleneck_ptx arch isa sm source output depends)
    get_filename_component(dir "${output}" DIRECTORY)
    add_custom_command(
        OUTPUT "${output}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
        COMMAND "${BOTTLENECK_NVCC}" ${BOTTLENECK_NVCC_FLAGS} -ptx -arch=${arch} "${source}" -o "${output}.nvcc"
        COMMAND "${CMAKE_COMMAND}" "-DIN=${output}.nvcc" "-DOUT=${output}" "-DISA=${isa}" "-DSM=${sm}"
                "-DPTXAS=${BOTTLENECK_PTXAS}" -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/DeclarePtxIsa.cmake"
        COMMAND "${CMAKE_COMMAND}" -E remove "${output}.nvcc"
        DEPENDS ${depends} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/DeclarePtxIsa.cmake"
        COMMENT "nvcc -ptx ${arch}, PTX ISA ${isa}"
        VERBATIM)
endfunction()

# A fatbin with SASS for each sm in sass_archs plus PTX for ptx_arch; the ptxas -v report
# (registers, stack, spills per kernel and arch) is written to report. Spills fail the build.
function(bottleneck_fatbin sass_archs ptx_arch source output report depends)
    set(gencode "")
    foreach(a IN LISTS sass_archs)
        list(APPEND gencode -gencode arch=compute_${a},code=sm_${a})
    endforeach()
    list(APPEND gencode -gencode arch=compute_${ptx_arch},code=compute_${ptx_arch})
    get_filename_component(dir "${output}" DIRECTORY)
    add_custom_command(
        OUTPUT "${output}" "${report}"
        COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
        COMMAND "${CMAKE_COMMAND}" "-DREPORT=${report}"
                -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/RunWithReport.cmake" --
                "${BOTTLENECK_NVCC}" ${BOTTLENECK_NVCC_FLAGS} -Xptxas -v,--warn-on-spills
                -fatbin ${gencode} "${source}" -o "${output}"
        DEPENDS ${depends} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/RunWithReport.cmake"
        COMMENT "nvcc -fatbin sm_${sass_archs} + compute_${ptx_arch} (report: ${report})"
        VERBATIM)
endfunction()
