# Shared by every API test: an in-process server on a fresh database and a blocking HTTP client.
add_library(taskdesk_testsupport STATIC
  ${PROJECT_SOURCE_DIR}/tests/support/HttpClient.h ${PROJECT_SOURCE_DIR}/tests/support/HttpClient.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/FlakyProxy.h
  ${PROJECT_SOURCE_DIR}/tests/support/JsonPath.h ${PROJECT_SOURCE_DIR}/tests/support/JsonPath.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/TestServer.h ${PROJECT_SOURCE_DIR}/tests/support/TestServer.cpp)
target_include_directories(taskdesk_testsupport PUBLIC ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(taskdesk_testsupport PUBLIC taskdesk_platform Qt6::Test Qt6::Network Qt6::Sql Boost::json Boost::headers Threads::Threads)

# taskdesk_add_api_test(NAME tst_x SOURCES ...): registered once per database.
function(taskdesk_add_api_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "SOURCES" ${ARGN})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 600)
  endif()
  taskdesk_add_test(NAME ${A_NAME} SOURCES ${A_SOURCES} LIBS taskdesk_testsupport
                    LABELS api DATABASES sqlite postgres TIMEOUT ${A_TIMEOUT})
  target_compile_definitions(${A_NAME} PRIVATE
    TASKDESK_SERVER_BINARY="$<TARGET_FILE:taskdesk-server>")
  add_dependencies(${A_NAME} taskdesk-server)
endfunction()
