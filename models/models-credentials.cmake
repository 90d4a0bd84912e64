# Model-layer files for the Credentials view (see ui/credentials/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/CredentialScopes.h ${CMAKE_CURRENT_LIST_DIR}/CredentialScopes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DelegationJobs.h ${CMAKE_CURRENT_LIST_DIR}/DelegationJobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DelegationListModel.h ${CMAKE_CURRENT_LIST_DIR}/DelegationListModel.cpp
)
