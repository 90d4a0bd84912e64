# Two real server processes on one PostgreSQL database (skips itself on SQLite).
taskdesk_add_api_test(NAME tst_api_multiprocess SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_multiprocess.cpp TIMEOUT 900)
