# TASKDESK_FUZZ: a clang build for libFuzzer targets (tests/fuzz, scripts/fuzz.sh).
# Everything compiled in such a build carries coverage counters and AddressSanitizer and
# UndefinedBehaviorSanitizer checks, so that the libraries a target links are fuzzed too;
# only the fuzz targets link libFuzzer's main().
option(TASKDESK_FUZZ "Build the libFuzzer targets (clang only; instruments the whole build)" OFF)
if(NOT TASKDESK_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "TASKDESK_FUZZ needs clang (configure with -DCMAKE_CXX_COMPILER=clang++)")
endif()
set(TASKDESK_SANITIZERS "address,undefined")
# -fno-sanitize-recover: a UBSan finding aborts like any other, so libFuzzer reports it.
add_compile_options(-fsanitize=fuzzer-no-link,${TASKDESK_SANITIZERS} -fno-sanitize-recover=all
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=${TASKDESK_SANITIZERS} -fno-sanitize-recover=all)
