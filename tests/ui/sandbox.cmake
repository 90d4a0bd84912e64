# The local sandbox: first start offers it pre-selected; the operator is made once.
taskdesk_add_ui_test(NAME tst_ui_sandbox SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_sandbox.cpp)
target_link_libraries(tst_ui_sandbox PRIVATE taskdesk_sandbox)
