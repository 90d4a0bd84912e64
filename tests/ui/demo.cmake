# Demo activity: the sandbox's switch, the real taskdesk-agent fleet against the
# real sandbox, the two sample tasks, stopping the fleet.
taskdesk_add_ui_test(NAME tst_ui_demo SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_demo.cpp TIMEOUT 400)
target_link_libraries(tst_ui_demo PRIVATE taskdesk_sandbox)
target_compile_definitions(tst_ui_demo PRIVATE TASKDESK_AGENT_BINARY="$<TARGET_FILE:taskdesk-agent>")
add_dependencies(tst_ui_demo taskdesk-agent)
