taskdesk_add_api_test(NAME tst_api_operations SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_operations.cpp TIMEOUT 300)
