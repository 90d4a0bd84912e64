# The Disputes view (support staff only): the queue by age and the case on one screen.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/DisputesView.h ${CMAKE_CURRENT_LIST_DIR}/DisputesView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DisputeQueueProxy.h ${CMAKE_CURRENT_LIST_DIR}/DisputeQueueProxy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CaseFilePane.h ${CMAKE_CURRENT_LIST_DIR}/CaseFilePane.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ResolveDialog.h ${CMAKE_CURRENT_LIST_DIR}/ResolveDialog.cpp
)
