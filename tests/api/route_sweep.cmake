taskdesk_add_api_test(NAME tst_api_route_sweep SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_route_sweep.cpp TIMEOUT 300)
