# The console's model layer (models/) against a real in-process server.
taskdesk_add_api_test(NAME tst_models SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_models.cpp TIMEOUT 600)
target_link_libraries(tst_models PRIVATE taskdesk_models)
