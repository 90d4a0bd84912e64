# The Activity view: notifications, opening and marking read, the bell, desktop announcements.
taskdesk_add_ui_test(NAME tst_ui_activity SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_activity.cpp)
