# The Credentials view's files: delegations, the mint wizard, the bundle shown once.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/CredentialsView.h ${CMAKE_CURRENT_LIST_DIR}/CredentialsView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/MintCredentialWizard.h ${CMAKE_CURRENT_LIST_DIR}/MintCredentialWizard.cpp
  ${CMAKE_CURRENT_LIST_DIR}/MintCredentialCommand.h ${CMAKE_CURRENT_LIST_DIR}/MintCredentialCommand.cpp
  ${CMAKE_CURRENT_LIST_DIR}/BundleDialog.h ${CMAKE_CURRENT_LIST_DIR}/BundleDialog.cpp
)
