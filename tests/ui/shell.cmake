# The console's frame: start-up, connecting, switching, the status bar, commands.
taskdesk_add_ui_test(NAME tst_ui_shell SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_shell.cpp)
