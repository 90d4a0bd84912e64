taskdesk_add_api_test(NAME tst_api_concurrency SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_concurrency.cpp TIMEOUT 900)
