taskdesk_add_api_test(NAME tst_api_flows SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_flows.cpp TIMEOUT 600)
