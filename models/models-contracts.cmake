# Model-layer files added for the contracts view (see ui/contracts/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ContractTimeline.h ${CMAKE_CURRENT_LIST_DIR}/ContractTimeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ContractHistory.h ${CMAKE_CURRENT_LIST_DIR}/ContractHistory.cpp
)
