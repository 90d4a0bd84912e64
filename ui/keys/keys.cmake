# The Keys view's files: the local keystore, payload keys, access requests.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/KeysView.h ${CMAKE_CURRENT_LIST_DIR}/KeysView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/KeystoreDialog.h ${CMAKE_CURRENT_LIST_DIR}/KeystoreDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/GrantAccessCommand.h ${CMAKE_CURRENT_LIST_DIR}/GrantAccessCommand.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ProtectedFieldsBox.h ${CMAKE_CURRENT_LIST_DIR}/ProtectedFieldsBox.cpp
)
