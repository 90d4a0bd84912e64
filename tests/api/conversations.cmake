taskdesk_add_api_test(NAME tst_api_conversations SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_conversations.cpp TIMEOUT 600)
