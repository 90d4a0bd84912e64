# One place that turns a Qt Test source into a CTest test.
#   taskdesk_add_test(NAME name SOURCES a.cpp ... LIBS lib ... [LABELS l ...]
#                     [DATABASES sqlite postgres] [TIMEOUT seconds])
# With DATABASES, the test is registered once per database: the PostgreSQL run
# gets TASKDESK_TEST_DATABASE=postgres and skips itself when no server URL is set.
function(taskdesk_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;DATABASES" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(T_DATABASES)
    foreach(db IN LISTS T_DATABASES)
      add_test(NAME ${T_NAME}_${db} COMMAND ${T_NAME})
      set_tests_properties(${T_NAME}_${db} PROPERTIES
        ENVIRONMENT "TASKDESK_TEST_DATABASE=${db};QT_QPA_PLATFORM=offscreen"
        LABELS "${T_LABELS};${db}" TIMEOUT ${T_TIMEOUT} SKIP_RETURN_CODE 77)
    endforeach()
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES
      ENVIRONMENT "QT_QPA_PLATFORM=offscreen" LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
  endif()
endfunction()
