# crypto/ against a libsodium client that is not ours: PyNaCl (Debian's python3-nacl)
# driven through tests/unit/interop/nacl_peer.py over stdin/stdout. Debian's python is
# looked up first (HINTS /usr/bin), since a pyenv python3 earlier on PATH has no nacl.
# Without python3-nacl at configure time the test still builds and reports SKIPPED.
find_program(TASKDESK_INTEROP_PYTHON NAMES python3 HINTS /usr/bin NO_CACHE)
set(TASKDESK_NACL_PYTHON "")
if(TASKDESK_INTEROP_PYTHON)
  execute_process(COMMAND ${TASKDESK_INTEROP_PYTHON} -c "import nacl.bindings, nacl.public, nacl.signing, nacl.pwhash"
                  RESULT_VARIABLE _taskdesk_nacl_rc OUTPUT_QUIET ERROR_QUIET)
  if(_taskdesk_nacl_rc EQUAL 0)
    set(TASKDESK_NACL_PYTHON ${TASKDESK_INTEROP_PYTHON})
  endif()
endif()
if(NOT TASKDESK_NACL_PYTHON)
  message(STATUS "python3 with PyNaCl not found: tst_crypto_interop will be skipped (apt install python3-nacl)")
endif()
taskdesk_add_test(NAME tst_crypto_interop SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_crypto_interop.cpp
  LIBS taskdesk_crypto LABELS unit TIMEOUT 300)
target_compile_definitions(tst_crypto_interop PRIVATE
  TASKDESK_NACL_PYTHON="${TASKDESK_NACL_PYTHON}"
  TASKDESK_NACL_PEER="${CMAKE_CURRENT_SOURCE_DIR}/interop/nacl_peer.py")
# QSKIP alone would show as "Passed" in CTest.
set_tests_properties(tst_crypto_interop PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP   : TestCryptoInterop::initTestCase")
