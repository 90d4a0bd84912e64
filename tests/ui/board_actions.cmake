# The Board's task actions: counter-offer, applications, cancel, bid, claim, comments, the Review link.
taskdesk_add_ui_test(NAME tst_ui_board_actions SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_board_actions.cpp)
