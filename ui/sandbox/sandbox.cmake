# The local sandbox's extras: "Demo activity" (simulated agents in the sandbox).
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/DemoActivity.h ${CMAKE_CURRENT_LIST_DIR}/DemoActivity.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DemoActivityController.h ${CMAKE_CURRENT_LIST_DIR}/DemoActivityController.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DemoSampleTasks.h ${CMAKE_CURRENT_LIST_DIR}/DemoSampleTasks.cpp
)
