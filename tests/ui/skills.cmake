# The Skills view: publish, hire with a brief, accept as the seller, escrow in the buyer's wallet; withdraw.
taskdesk_add_ui_test(NAME tst_ui_skills SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_skills.cpp)
