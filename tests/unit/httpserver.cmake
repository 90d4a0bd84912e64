taskdesk_add_test(NAME tst_httpserver
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_httpserver.cpp
  LIBS taskdesk_transport Boost::headers Boost::json Threads::Threads
  LABELS unit
  TIMEOUT 60)
