# Protected payloads: ciphertext-only storage, access requests, signed grants, bundles.
taskdesk_add_api_test(NAME tst_api_protected SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_protected.cpp TIMEOUT 600)
