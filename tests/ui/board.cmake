# The Board: browse and filter tasks, post them, hire and reject bids.
taskdesk_add_ui_test(NAME tst_ui_board SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_board.cpp)
