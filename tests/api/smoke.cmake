taskdesk_add_api_test(NAME tst_api_smoke SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_smoke.cpp TIMEOUT 300)
