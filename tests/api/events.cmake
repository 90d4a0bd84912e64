taskdesk_add_api_test(NAME tst_api_events SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_events.cpp TIMEOUT 300)
