# The Disputes view: only support sees it; the case on one screen; a split resolved with the exact cents shown first.
taskdesk_add_ui_test(NAME tst_ui_disputes SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_disputes.cpp)
