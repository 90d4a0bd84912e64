# Model-layer files for the Keys view and protected payloads (see ui/keys/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ApiRequests.h ${CMAKE_CURRENT_LIST_DIR}/ApiRequests.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ProtectedAccessJobs.h ${CMAKE_CURRENT_LIST_DIR}/ProtectedAccessJobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PublicKeyJobs.h ${CMAKE_CURRENT_LIST_DIR}/PublicKeyJobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/KeyVault.h ${CMAKE_CURRENT_LIST_DIR}/KeyVault.cpp
  ${CMAKE_CURRENT_LIST_DIR}/AccessRequestListModel.h ${CMAKE_CURRENT_LIST_DIR}/AccessRequestListModel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PayloadKeyListModel.h ${CMAKE_CURRENT_LIST_DIR}/PayloadKeyListModel.cpp
)
