taskdesk_add_api_test(NAME tst_api_security SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_security.cpp TIMEOUT 600)
