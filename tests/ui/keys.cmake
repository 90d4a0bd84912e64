# The Keys view, the keystore and protected fields in Post Task.
taskdesk_add_ui_test(NAME tst_ui_keys SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_keys.cpp
                     ${CMAKE_CURRENT_SOURCE_DIR}/KeysHelpers.h)
