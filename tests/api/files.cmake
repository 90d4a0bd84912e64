taskdesk_add_api_test(NAME tst_api_files SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_files.cpp TIMEOUT 600)
