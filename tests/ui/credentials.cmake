# The Credentials view: mint wizard, bundle shown once, usage, revocation.
taskdesk_add_ui_test(NAME tst_ui_credentials SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_credentials.cpp)
