# The Review view: queue, deliverable beside the criteria, keyboard decisions, bulk accept.
taskdesk_add_ui_test(NAME tst_ui_review SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_review.cpp)
